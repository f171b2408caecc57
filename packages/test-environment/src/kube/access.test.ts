import {
  applyChanges,
  KubeObject,
  parsePlatformSettings,
  parseRequest,
  renderRequest,
  RepoSnapshot,
} from '@kubeportal/plugin-provisioning-common';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import YAML from 'yaml';
import { describeWithKube } from '../availability';
import { waitUntil } from '../process';
import { KubeTestEnv, startKubeTestEnv } from './kubeTestEnv';

jest.setTimeout(240_000);

/**
 * What the rendered RoleBindings grant, asked of the real API server (RBAC, with kube-controller-manager filling
 * the aggregated admin, edit and view roles) with SubjectAccessReviews for the AD groups: an expectation that does
 * not come from the renderer's own output.
 */
describeWithKube(
  'what the rendered access grants, on a real API server',
  () => {
    let env: KubeTestEnv;
    const settings = parsePlatformSettings({
      clusters: [{ name: 'dev', environment: 'dev' }],
    });

    /** The cluster's objects as kustomize builds them from the rendered repository. */
    function build(repo: RepoSnapshot): KubeObject[] {
      const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'access-'));
      try {
        for (const [file, content] of repo) {
          fs.mkdirSync(path.dirname(path.join(dir, file)), { recursive: true });
          fs.writeFileSync(path.join(dir, file), content);
        }
        const folder = path.join(dir, 'clusters/dev');
        const kustomize = process.env.KUSTOMIZE_BIN;
        const out = kustomize
          ? execFileSync(kustomize, ['build', folder], { encoding: 'utf8' })
          : execFileSync('kubectl', ['kustomize', folder], {
              encoding: 'utf8',
            });
        return YAML.parseAllDocuments(out).map(d => d.toJS() as KubeObject);
      } finally {
        fs.rmSync(dir, { recursive: true, force: true });
      }
    }

    beforeAll(async () => {
      env = await startKubeTestEnv({ clusters: ['dev'] });
      let repo: RepoSnapshot = new Map([
        [
          'clusters/dev/kustomization.yaml',
          'apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nresources: []\n',
        ],
      ]);
      for (const [name, access] of [
        [
          'payments',
          [
            { group: 'sg-pay-readers', role: 'view' },
            { group: 'sg-pay-devs', role: 'edit' },
            { group: 'sg-pay-ops', role: 'admin' },
          ],
        ],
        ['billing', [{ group: 'sg-bill-devs', role: 'edit' }]],
      ] as const) {
        const input = {
          kind: 'namespace',
          cluster: 'dev',
          name,
          team: name,
          requester: 'jdoe',
          environment: 'dev',
          costCentre: 'cc',
          purpose: 'access test',
          quota: { tier: 'S' },
          access,
        };
        repo = applyChanges(
          repo,
          renderRequest(parseRequest(input), {
            settings,
            repo,
            codeowners: ['alice'],
            teamAccess: {
              [name]: [{ group: `sg-${name}-team`, role: 'view' }],
            },
          }).changes,
        );
      }
      const api = env.clusters.dev.api;
      const objects = build(repo);
      // Namespaces first, then what lives in them (Flux orders the same way)
      for (const object of [
        ...objects.filter(o => o.kind === 'Namespace'),
        ...objects.filter(o => o.kind === 'RoleBinding'),
      ]) {
        await api.apply(object);
      }
      // the aggregated roles are filled by kube-controller-manager
      await waitUntil(
        'the edit role aggregated',
        async () =>
          (
            (
              await api.get(
                '/apis/rbac.authorization.k8s.io/v1/clusterroles/edit',
              )
            ).rules ?? []
          ).length > 0,
        {
          timeoutMs: 60_000,
          intervalMs: 500,
        },
      );
    });
    afterAll(() => env?.stop());

    async function may(
      groups: string[],
      verb: string,
      resource: string,
      namespace: string,
      group = '',
    ): Promise<boolean> {
      const review = await env.clusters.dev.api.request(
        'POST',
        '/apis/authorization.k8s.io/v1/subjectaccessreviews',
        {
          apiVersion: 'authorization.k8s.io/v1',
          kind: 'SubjectAccessReview',
          spec: {
            user: 'someone',
            groups,
            resourceAttributes: { namespace, verb, resource, group },
          },
        },
      );
      return Boolean(review.status?.allowed);
    }

    it('gives each AD group the role asked for, in its namespace only', async () => {
      const table = [
        // readers: read, but not secrets, and no writes
        [['sg-pay-readers'], 'get', 'pods', 'payments', '', true],
        [['sg-pay-readers'], 'get', 'secrets', 'payments', '', false],
        [
          ['sg-pay-readers'],
          'create',
          'deployments',
          'payments',
          'apps',
          false,
        ],
        // developers: write workloads, but not grant access
        [['sg-pay-devs'], 'create', 'deployments', 'payments', 'apps', true],
        [
          ['sg-pay-devs'],
          'create',
          'rolebindings',
          'payments',
          'rbac.authorization.k8s.io',
          false,
        ],
        // operators: grant access in their namespace
        [
          ['sg-pay-ops'],
          'create',
          'rolebindings',
          'payments',
          'rbac.authorization.k8s.io',
          true,
        ],
        // nobody may change the quota that limits them
        [['sg-pay-ops'], 'update', 'resourcequotas', 'payments', '', false],
        // nothing reaches the other team's namespace
        [['sg-pay-ops'], 'get', 'pods', 'billing', '', false],
        [['sg-bill-devs'], 'create', 'deployments', 'payments', 'apps', false],
        [['sg-bill-devs'], 'create', 'deployments', 'billing', 'apps', true],
        // the team's own AD group from its catalog entry: view in every namespace of the team, nowhere else
        [['sg-payments-team'], 'list', 'pods', 'payments', '', true],
        [['sg-payments-team'], 'list', 'pods', 'billing', '', false],
        // and no one gets anything cluster-wide
        [['sg-pay-ops'], 'list', 'namespaces', '', '', false],
      ] as const;
      const answers = [];
      for (const [
        groups,
        verb,
        resource,
        namespace,
        group,
        expected,
      ] of table) {
        answers.push({
          ask: `${groups.join(',')} ${verb} ${resource} in ${
            namespace || '(cluster)'
          }`,
          allowed: await may([...groups], verb, resource, namespace, group),
          expected,
        });
      }
      expect(answers.map(a => `${a.ask}: ${a.allowed}`)).toEqual(
        answers.map(a => `${a.ask}: ${a.expected}`),
      );
    });
  },
);
