import { namespaceInput, settings, vmInput } from '../__fixtures__/requests';
import { formatMoney } from '../cost';
import { RepoSnapshot } from '../manifests/types';
import { parseRequest } from '../requests/parse';
import { renderRequest } from '../render';
import {
  formatSpendEntry,
  parseSpendEntry,
  parseSpendEntryPath,
  spendEntryPath,
  teamSpend,
} from './spend';
import { applyChanges } from './state';
import { validateRepository } from './validateRepository';

const TODAY = '2026-11-24';
const apply = (repo: RepoSnapshot, input: Record<string, unknown>) =>
  applyChanges(
    repo,
    renderRequest(parseRequest(input), {
      settings,
      repo,
      codeowners: ['alice'],
    }).changes,
  );
const problemsOf = (repo: RepoSnapshot) =>
  validateRepository(repo, settings, TODAY).map(p => `${p.path}: ${p.message}`);

describe('the teams cost summary', () => {
  const base = [
    namespaceInput,
    { ...namespaceInput, name: 'billing', team: 'billing' },
  ].reduce<RepoSnapshot>(apply, new Map());

  it('follows every request of the namespace: create, VM, quota change, decommission', () => {
    const entry = spendEntryPath('payments', 'dev', 'payments-dev');
    expect(
      formatMoney(
        parseSpendEntry(base.get(entry)!, entry).monthly.total,
        'EUR',
      ),
    ).toBe('57.00 EUR');
    let repo = apply(base, { ...vmInput, memory: '1Gi' });
    expect(formatMoney(teamSpend(repo, 'payments').total, 'EUR')).toBe(
      '72.00 EUR',
    );
    repo = apply(repo, {
      kind: 'quota-change',
      cluster: 'dev',
      namespace: 'payments-dev',
      requester: 'user:default/jdoe',
      purpose: 'more',
      quota: { tier: 'M' },
    });
    expect(formatMoney(teamSpend(repo, 'payments').total, 'EUR')).toBe(
      '163.00 EUR',
    );
    expect(problemsOf(repo)).toEqual([]);
    repo = apply(repo, {
      kind: 'decommission',
      cluster: 'dev',
      namespace: 'payments-dev',
      requester: 'user:default/jdoe',
      purpose: 'done',
    });
    expect(repo.has(entry)).toBe(false);
    expect(teamSpend(repo, 'payments').total).toBe(0n);
    // the team's last namespace took its summary folder's CODEOWNERS line with it
    expect(repo.get('CODEOWNERS')).not.toContain(
      '/.kubeportal/spend/payments/',
    );
    expect(problemsOf(repo)).toEqual([]);
  });

  it('counts only the team entries, whatever else the repository holds', () => {
    expect(formatMoney(teamSpend(base, 'billing').total, 'EUR')).toBe(
      '57.00 EUR',
    );
    expect(teamSpend(base, 'nobody')).toEqual({
      total: 0n,
      entries: [],
      problems: [],
    });
  });

  it('is checked against the namespaces: a missing, stale or orphan entry is named', () => {
    const missing = new Map(base);
    missing.delete(spendEntryPath('billing', 'dev', 'billing'));
    const orphan = spendEntryPath('billing', 'dev', 'gone');
    missing.set(
      orphan,
      formatSpendEntry({
        cluster: 'dev',
        namespace: 'gone',
        team: 'billing',
        currency: 'EUR',
        monthly: { cpu: 0n, memory: 0n, storage: 0n, vms: 0n, total: 1n },
      }),
    );
    expect(problemsOf(missing)).toEqual([
      `${orphan}: summarises namespace 'gone' on cluster 'dev' for team 'billing', which the repository does not have`,
      `${spendEntryPath(
        'billing',
        'dev',
        'billing',
      )}: is missing: the cost summary of team 'billing' lacks namespace 'billing' on cluster 'dev'`,
    ]);
  });

  it('reads entries strictly: the path and the content must agree', () => {
    const path = spendEntryPath('payments', 'dev', 'payments-dev');
    expect(parseSpendEntryPath(path)).toEqual({
      team: 'payments',
      cluster: 'dev',
      namespace: 'payments-dev',
    });
    expect(
      parseSpendEntryPath('.kubeportal/spend/../x/y.yaml'),
    ).toBeUndefined();
    const other = base.get(path)!.replace('team: payments', 'team: billing');
    expect(() => parseSpendEntry(other, path)).toThrow(
      `${path}: team: is 'billing' but the path says 'payments'`,
    );
    expect(() => parseSpendEntry('monthly: [', path)).toThrow(path);
  });
});
