import { parsePlatformSettings } from './config';
import { vmQuotaShortfalls, vmRoom } from './capacity';
import { formatMoney, quotaCost, costPerTeam } from './cost';
import { namespaceInput, settings, vmInput } from './__fixtures__/requests';
import { applyChanges, readAllNamespaces } from './gitops/state';
import { parseRequest } from './requests/parse';
import { renderRequest } from './render';
import { RepoSnapshot } from './manifests/types';

const quota = parsePlatformSettings().tiers.S; // 4Gi requests.memory, 8Gi limits, 2 cpu, 50Gi storage, 5 PVCs

describe('VM capacity', () => {
  it('says by how much VMs do not fit the quota', () => {
    const vms = [
      { name: 'a', cpu: 2, memory: '2Gi', disks: [{ size: '20Gi' }] },
      {
        name: 'b',
        cpu: 2,
        memory: '2Gi',
        disks: [{ size: '20Gi' }, { size: '20Gi', storageClass: 'fast' }],
      },
    ];
    expect(
      vmQuotaShortfalls(vms, quota, settings.vmOverhead).map(s => s.message),
    ).toEqual([
      // each launcher pod: 2Gi + 280Mi overhead + the sidecar's 35M request (60M limit, 15m CPU limit)
      'requests.memory: the VMs need 4.61 GiB (guest memory plus virt-launcher overhead, with the console log sidecar) but the quota allows 4 GiB: 626.76 MiB short',
      "limits.cpu: the VMs need 4.03 cores (one core per vCPU, the VM's CPU limit, with the console log sidecar) but the quota allows 4 cores: 0.03 cores short",
      'requests.storage: the VMs need 60 GiB (all VM disks) but the quota allows 50 GiB: 10 GiB short',
    ]);
    expect(
      vmQuotaShortfalls(vms.slice(0, 1), quota, settings.vmOverhead),
    ).toEqual([]);
  });

  it('refuses to render a VM that does not fit, with the numbers', () => {
    const repo = applyChanges(
      new Map(),
      renderRequest(parseRequest(namespaceInput), { settings, repo: new Map() })
        .changes,
    );
    expect(() =>
      renderRequest(parseRequest({ ...vmInput, memory: '4Gi' }), {
        settings,
        repo,
      }),
    ).toThrow(
      'Invalid request: memory: requests.memory: the VMs need 4.31 GiB (guest memory plus virt-launcher overhead, with the console log sidecar) but the quota allows 4 GiB: 317.38 MiB short',
    );
  });

  it('refuses a quota change that leaves running VMs without room', () => {
    let repo: RepoSnapshot = applyChanges(
      new Map(),
      renderRequest(parseRequest({ ...namespaceInput, quota: { tier: 'M' } }), {
        settings,
        repo: new Map(),
      }).changes,
    );
    repo = applyChanges(
      repo,
      renderRequest(parseRequest({ ...vmInput, memory: '8Gi' }), {
        settings,
        repo,
      }).changes,
    );
    expect(() =>
      renderRequest(
        parseRequest({
          kind: 'quota-change',
          cluster: 'dev',
          namespace: 'payments-dev',
          requester: 'jdoe',
          purpose: 'shrink',
          quota: { tier: 'S' },
        }),
        { settings, repo },
      ),
    ).toThrow(
      'quota: requests.memory: the VMs need 8.32 GiB (guest memory plus virt-launcher overhead, with the console log sidecar) but the quota allows 4 GiB: 4.32 GiB short; quota: limits.memory: the VMs need 8.34 GiB (guest memory plus virt-launcher overhead, with the console log sidecar) but the quota allows 8 GiB: 349.22 MiB short',
    );
  });
});

describe('room for one more VM', () => {
  it('lists what the quota leaves and which sizes fit, with what they lack', () => {
    const existing = [
      { name: 'a', cpu: 2, memory: '2Gi', disks: [{ size: '20Gi' }] },
    ];
    const { room, sizes } = vmRoom(existing, quota, settings.vmOverhead);
    // the VM's launcher: 205m requested (100m per vCPU + the sidecar's 5m), 2.015 cores limit,
    // 2Gi + 280Mi + 35M memory requested, 2Gi + 280Mi + 60M limit, one pod of 20
    expect(room).toEqual([
      { resource: 'requests.memory', left: '1.69 GiB' },
      { resource: 'limits.memory', left: '5.67 GiB' },
      { resource: 'requests.cpu', left: '1.795 cores' },
      { resource: 'limits.cpu', left: '1.985 cores' },
      { resource: 'pods', left: '19' },
    ]);
    expect(sizes.map(s => [s.cpu, s.memory, s.fits, s.shortfall])).toEqual([
      // 1Gi + 270Mi + 35M more: 3.6 GiB of 4 GiB requested; limits.cpu 3.03 of 4
      [1, '1Gi', true, undefined],
      // 2Gi + 272Mi + 35M more: 648,813,952 bytes over
      [1, '2Gi', false, 'requests.memory 618.76 MiB short'],
      [
        2,
        '2Gi',
        false,
        'requests.memory 626.76 MiB short, limits.cpu 0.03 cores short',
      ],
      [
        2,
        '4Gi',
        false,
        'requests.memory 2.62 GiB short, limits.cpu 0.03 cores short',
      ],
      [
        4,
        '8Gi',
        false,
        'requests.memory 6.64 GiB short, limits.memory 2.69 GiB short, limits.cpu 2.03 cores short',
      ],
      [
        8,
        '16Gi',
        false,
        'requests.memory 14.69 GiB short, limits.memory 10.73 GiB short, limits.cpu 6.03 cores short',
      ],
    ]);
  });

  it('offers every size in an empty namespace that has the room', () => {
    const { sizes } = vmRoom(
      [],
      parsePlatformSettings().tiers.XL,
      settings.vmOverhead,
    );
    expect(sizes.filter(s => !s.fits)).toEqual([]);
  });
});

describe('cost', () => {
  it('prices a quota exactly, storage per class', () => {
    const cost = quotaCost(
      {
        ...quota,
        requestsStorage: '100Gi',
        storageClasses: { fast: { requestsStorage: '40Gi' } },
      },
      2,
      { ...settings.prices, storageGiBMonth: { fast: 0.35 } },
    );
    // 2 x 20 + 4 x 3 + 40 x 0.35 + 60 x 0.1 + 2 x 15
    expect(formatMoney(cost.cpu, 'EUR')).toBe('40.00 EUR');
    expect(formatMoney(cost.memory, 'EUR')).toBe('12.00 EUR');
    expect(formatMoney(cost.storage, 'EUR')).toBe('20.00 EUR');
    expect(formatMoney(cost.vms, 'EUR')).toBe('30.00 EUR');
    expect(formatMoney(cost.total, 'EUR')).toBe('102.00 EUR');
  });

  it('rounds only when shown', () => {
    const third = {
      ...quota,
      requestsCpu: '333m',
      requestsMemory: '0',
      requestsStorage: '0',
    };
    const cost = quotaCost(third, 0, { ...settings.prices, cpuCoreMonth: 10 });
    expect(formatMoney(cost.total, 'EUR')).toBe('3.33 EUR');
    expect(formatMoney(cost.total * 3n, 'EUR')).toBe('9.99 EUR');
    expect(formatMoney(-1_234_567n, 'EUR')).toBe('-1.23 EUR');
  });

  it('sums per team across clusters', () => {
    let repo: RepoSnapshot = new Map();
    for (const input of [
      namespaceInput,
      { ...namespaceInput, name: 'billing', team: 'billing' },
      {
        ...namespaceInput,
        cluster: 'prod',
        environment: 'prod',
        name: 'payments',
        expires: undefined,
        networkPolicy: { preset: 'isolated' },
      },
    ]) {
      repo = applyChanges(
        repo,
        renderRequest(parseRequest(input), { settings, repo }).changes,
      );
    }
    repo = applyChanges(
      repo,
      renderRequest(parseRequest({ ...vmInput, memory: '1Gi' }), {
        settings,
        repo,
      }).changes,
    );
    const teams = costPerTeam(
      readAllNamespaces(repo, ['dev', 'prod']),
      settings.prices,
    );
    expect(
      teams.map(t => ({ ...t, monthly: formatMoney(t.monthly, 'EUR') })),
    ).toEqual([
      { team: 'billing', monthly: '57.00 EUR', namespaces: 1, vms: 0 },
      { team: 'payments', monthly: '129.00 EUR', namespaces: 2, vms: 1 },
    ]);
  });
});
