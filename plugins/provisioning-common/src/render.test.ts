import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import YAML from 'yaml';
import { expectGolden } from './__fixtures__/golden';
import {
  decommissionNamespaceInput,
  decommissionVmInput,
  namespaceInput,
  quotaChangeInput,
  settings,
  vmInput,
} from './__fixtures__/requests';
import { applyChanges } from './gitops/state';
import { LABELS } from './labels';
import { RepoSnapshot } from './manifests/types';
import { parseRequest } from './requests/parse';
import { renderRequest } from './render';
import { evaluatePolicy } from './policy';
import { fluxSyncObjects } from './manifests/flux';
import { namespaceApplierClusterRole } from './manifests/tenancy';
import { pullRequestBody, pullRequestLabels } from './pullRequest';

const render = (
  input: unknown,
  repo: RepoSnapshot,
  teamAccess = {},
  codeowners = ['alice'],
) =>
  renderRequest(parseRequest(input), {
    settings,
    repo,
    teamAccess,
    codeowners,
  });

const teamAccess = {
  payments: [{ group: 'sg-payments-dev', role: 'view' as const }],
};

/** Writes a snapshot to a temporary folder and builds a cluster with kustomize, as the checks build it. */
function kustomizeBuild(
  repo: RepoSnapshot,
  cluster: string,
): Array<Record<string, any>> {
  return kustomizeBuildFolder(repo, `clusters/${cluster}`);
}

/** The same for one folder of the snapshot, as one of Flux's Kustomizations builds it. */
function kustomizeBuildFolder(
  repo: RepoSnapshot,
  folder: string,
): Array<Record<string, any>> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'gitops-'));
  try {
    for (const [file, content] of repo) {
      fs.mkdirSync(path.dirname(path.join(dir, file)), { recursive: true });
      fs.writeFileSync(path.join(dir, file), content);
    }
    // the kustomize Flux builds with (the test command provides it), else kubectl's
    const kustomize = process.env.KUSTOMIZE_BIN;
    const out = kustomize
      ? execFileSync(kustomize, ['build', path.join(dir, folder)], {
          encoding: 'utf8',
        })
      : execFileSync('kubectl', ['kustomize', path.join(dir, folder)], {
          encoding: 'utf8',
        });
    return YAML.parseAllDocuments(out).map(d => d.toJS());
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

const ids = (objects: Array<Record<string, any>>) =>
  objects
    .map(
      o =>
        `${o.kind}/${o.metadata.namespace ? `${o.metadata.namespace}/` : ''}${
          o.metadata.name
        }`,
    )
    .sort();

describe('renderRequest', () => {
  const empty: RepoSnapshot = new Map();
  const withNamespace = applyChanges(
    empty,
    render(namespaceInput, empty, teamAccess).changes,
  );
  const withVm = applyChanges(
    withNamespace,
    render(vmInput, withNamespace).changes,
  );

  it('renders a namespace request (golden)', () => {
    const result = render(namespaceInput, empty, teamAccess);
    expect(result.requestId).toBe('dev.ns.payments-dev');
    expectGolden('namespace', result.changes);
  });

  it('renders a VM request (golden)', () => {
    expectGolden('vm', render(vmInput, withNamespace).changes);
  });

  it('renders a quota change (golden)', () => {
    expectGolden('quota-change', render(quotaChangeInput, withVm).changes);
  });

  it('renders decommissions (golden)', () => {
    expectGolden(
      'decommission-vm',
      render(decommissionVmInput, withVm).changes,
    );
    expectGolden(
      'decommission-namespace',
      render(decommissionNamespaceInput, withVm).changes,
    );
  });

  it('builds with kustomize into exactly the expected objects, every one labelled', () => {
    const objects = kustomizeBuild(withVm, 'dev');
    expect(ids(objects)).toEqual([
      'Kustomization/flux-system/ns-payments-dev',
      'LimitRange/payments-dev/defaults',
      'Namespace/payments-dev',
      'NetworkPolicy/payments-dev/allow-dns',
      'NetworkPolicy/payments-dev/allow-egress-to-shared-db',
      'NetworkPolicy/payments-dev/allow-from-ingress',
      'NetworkPolicy/payments-dev/allow-same-namespace',
      'NetworkPolicy/payments-dev/default-deny',
      'ResourceQuota/payments-dev/quota',
      'RoleBinding/payments-dev/access-admin',
      'RoleBinding/payments-dev/access-edit',
      'RoleBinding/payments-dev/access-view',
      'RoleBinding/payments-dev/kubeportal-applier',
      'RoleBinding/payments-dev/team-view',
      'Service/payments-dev/legacy-db',
      'ServiceAccount/flux-system/ns-payments-dev',
      'VirtualMachine/payments-dev/legacy-db',
    ]);
    for (const object of objects) {
      const labels = object.metadata.labels;
      expect({ id: object.metadata.name, labels }).toEqual({
        id: object.metadata.name,
        labels: expect.objectContaining({
          [LABELS.owner]: 'payments',
          [LABELS.requester]: 'jdoe',
          [LABELS.costCentre]: 'cc-1234',
          [LABELS.environment]: 'dev',
          [LABELS.expires]: '2027-06-30',
          [LABELS.managedBy]: 'kubeportal',
          [LABELS.requestId]: expect.stringMatching(
            /^dev\.(ns\.payments-dev|vm\.payments-dev\.legacy-db)$/,
          ),
        }),
      });
    }
    const vm = objects.find(o => o.kind === 'VirtualMachine')!;
    expect(vm.metadata.labels[LABELS.requestId]).toBe(
      'dev.vm.payments-dev.legacy-db',
    );
    const limitRange = objects.find(o => o.kind === 'LimitRange')!;
    expect(limitRange.spec.limits[0].default).toEqual({
      cpu: '1',
      memory: '1Gi',
    });
    const teamPolicy = objects.find(o => o.metadata.name === 'default-deny')!;
    expect(teamPolicy.metadata.labels[LABELS.requestId]).toBe(
      'dev.ns.payments-dev',
    );
  });

  it('splits what Flux applies by identity: each namespace folder as its own account, the platform part as Flux', () => {
    const folder = kustomizeBuildFolder(
      withVm,
      'clusters/dev/namespaces/payments-dev',
    );
    // the folder holds objects of its namespace only: nothing cluster-scoped, nothing elsewhere
    expect(
      folder
        .filter(o => o.metadata.namespace !== 'payments-dev')
        .map(o => `${o.kind}/${o.metadata.name}`),
    ).toEqual([]);
    expect(folder.map(o => o.kind)).not.toContain('Namespace');
    // and its account may write every kind of it there (the applier role names each resource it needs)
    const role = namespaceApplierClusterRole() as Record<string, any>;
    const resourceOf = (kind: string) =>
      `${kind.toLowerCase().replace(/y$/, 'ie')}s`;
    for (const object of folder) {
      const group = object.apiVersion.includes('/')
        ? object.apiVersion.split('/')[0]
        : '';
      const rule = role.rules.find(
        (r: any) =>
          r.apiGroups.includes(group) &&
          r.resources.includes(resourceOf(object.kind)),
      );
      expect({ kind: object.kind, verbs: rule?.verbs }).toEqual({
        kind: object.kind,
        verbs: expect.arrayContaining(['get', 'create', 'patch', 'delete']),
      });
    }

    const platform = kustomizeBuildFolder(withVm, 'clusters/dev/platform');
    expect(ids(platform)).toEqual([
      'Kustomization/flux-system/ns-payments-dev',
      'Namespace/payments-dev',
      'RoleBinding/payments-dev/kubeportal-applier',
      'ServiceAccount/flux-system/ns-payments-dev',
    ]);
    const sync = platform.find(o => o.kind === 'Kustomization')!;
    expect(sync.spec).toMatchObject({
      path: './clusters/dev/namespaces/payments-dev',
      serviceAccountName: 'ns-payments-dev',
      prune: true,
    });
    expect(platform.find(o => o.kind === 'RoleBinding')).toMatchObject({
      roleRef: { kind: 'ClusterRole', name: 'kubeportal-namespace-applier' },
      subjects: [
        {
          kind: 'ServiceAccount',
          name: 'ns-payments-dev',
          namespace: 'flux-system',
        },
      ],
    });
    // the bootstrap applies the platform part with Flux's own account, and nothing else
    expect(
      fluxSyncObjects({
        cluster: 'dev',
        url: 'https://git.example/gitops.git',
      })[1].spec,
    ).toMatchObject({
      path: './clusters/dev/platform',
      serviceAccountName: 'kustomize-controller',
    });
  });

  it('keeps several teams, namespaces and clusters apart', () => {
    let repo: RepoSnapshot = withVm;
    const more = [
      {
        ...namespaceInput,
        name: 'payments-test',
        limitRange: undefined,
        access: [],
        expires: undefined,
      },
      {
        ...namespaceInput,
        name: 'billing',
        team: 'group:default/billing',
        networkPolicy: { preset: 'isolated' },
        limitRange: undefined,
      },
      {
        ...namespaceInput,
        cluster: 'prod',
        environment: 'prod',
        name: 'payments',
        expires: undefined,
        networkPolicy: { preset: 'isolated' },
      },
    ];
    // the owners come from the render context (the catalog): the prod folder gets two
    for (const input of more)
      repo = applyChanges(
        repo,
        render(
          input,
          repo,
          teamAccess,
          input.cluster === 'prod' ? ['alice', 'bob'] : ['alice'],
        ).changes,
      );
    repo = applyChanges(
      repo,
      render(
        {
          ...vmInput,
          cluster: 'prod',
          namespace: 'payments',
          rootDisk: { ...vmInput.rootDisk, storageClass: 'ceph-rbd' },
          dataDisks: [],
        },
        repo,
      ).changes,
    );

    const dev = kustomizeBuild(repo, 'dev');
    expect(ids(dev).filter(id => id.startsWith('Namespace/'))).toEqual([
      'Namespace/billing',
      'Namespace/payments-dev',
      'Namespace/payments-test',
    ]);
    expect(ids(dev).filter(id => id.startsWith('LimitRange/'))).toEqual([
      'LimitRange/billing/defaults',
      'LimitRange/payments-dev/defaults',
      'LimitRange/payments-test/defaults',
    ]);
    expect(
      dev.find(
        o =>
          o.kind === 'LimitRange' && o.metadata.namespace === 'payments-test',
      )!.spec.limits[0].default,
    ).toEqual({ cpu: '500m', memory: '512Mi' });
    expect(dev.filter(o => o.kind === 'VirtualMachine')).toHaveLength(1);
    const prod = kustomizeBuild(repo, 'prod');
    expect(
      ids(prod).filter(id => /^(Namespace|VirtualMachine)\//.test(id)),
    ).toEqual(['Namespace/payments', 'VirtualMachine/payments/legacy-db']);
    expect(repo.get('CODEOWNERS')).toBe(
      [
        '# Namespace folders: maintained by the provisioning portal. One line per folder.',
        '/.kubeportal/spend/billing/ @alice',
        '/.kubeportal/spend/payments/ @alice @bob',
        '/clusters/dev/namespaces/billing/ @alice',
        '/clusters/dev/namespaces/payments-dev/ @alice',
        '/clusters/dev/namespaces/payments-test/ @alice',
        '/clusters/prod/namespaces/payments/ @alice @bob',
        '',
      ].join('\n'),
    );
  });

  it('is idempotent: rendering twice gives the same files, applying twice the same tree', () => {
    const first = render(namespaceInput, empty, teamAccess);
    const second = render(namespaceInput, empty, teamAccess);
    expect(second.changes).toEqual(first.changes);
    const once = applyChanges(empty, first.changes);
    expect(applyChanges(once, first.changes)).toEqual(once);
    // re-rendering against the result changes nothing
    const again = render(namespaceInput, once, teamAccess);
    expect(applyChanges(once, again.changes)).toEqual(once);
    const vmAgain = render(vmInput, withVm);
    expect(applyChanges(withVm, vmAgain.changes)).toEqual(withVm);
  });

  it('decommission removes exactly what the requests created', () => {
    const afterVm = applyChanges(
      withVm,
      render(decommissionVmInput, withVm).changes,
    );
    expect(afterVm).toEqual(withNamespace);
    const afterNs = applyChanges(
      afterVm,
      render(decommissionNamespaceInput, afterVm).changes,
    );
    // the platform part stays, empty: Flux's Kustomization of the cluster prunes the namespace from it
    expect([...afterNs.keys()]).toEqual([
      'clusters/dev/kustomization.yaml',
      'clusters/dev/platform/kustomization.yaml',
    ]);
    expect(afterNs.get('clusters/dev/kustomization.yaml')).toContain(
      'resources:\n  - platform\n',
    );
    expect(afterNs.get('clusters/dev/platform/kustomization.yaml')).toContain(
      'resources: []',
    );
  });

  it('keeps the team defaults while another namespace of the team uses them', () => {
    const second = applyChanges(
      withVm,
      render({ ...namespaceInput, name: 'payments-qa' }, withVm, teamAccess)
        .changes,
    );
    const after = applyChanges(
      second,
      render(decommissionNamespaceInput, second).changes,
    );
    expect(after.has('clusters/dev/teams/payments/kustomization.yaml')).toBe(
      true,
    );
    expect([...after.keys()].some(p => p.includes('/payments-dev/'))).toBe(
      false,
    );
  });
});

describe('pull request body', () => {
  it('carries the summary, cost against the budget, the policy result and the files', () => {
    const request = parseRequest(namespaceInput);
    const result = renderRequest(request, { settings, repo: new Map() });
    const policy = evaluatePolicy(
      request,
      result,
      new Map(),
      settings,
      '2026-11-24',
    );
    const body: string = pullRequestBody(request, result, policy, settings, {
      portal: 'http://portal/requests/dev.ns.payments-dev',
    });
    expect(body).toContain('## Namespace payments-dev on dev for payments');
    expect(body).toContain('| CPU requests / limits | 2 cores / 4 cores |');
    expect(body).toContain(
      '| team `payments` after this change | 57.00 EUR of 1000.00 EUR budget |',
    );
    expect(body).toContain('All policy checks passed.');
    expect(body).toContain(
      '- write `clusters/dev/namespaces/payments-dev/resourcequota.yaml`',
    );
    expect(body).toContain(
      '[Open in the portal](http://portal/requests/dev.ns.payments-dev)',
    );
    expect(pullRequestLabels(request, result)).toEqual([
      'provisioning',
      'kind:namespace',
      'cluster:dev',
      'team:payments',
    ]);
  });
});
