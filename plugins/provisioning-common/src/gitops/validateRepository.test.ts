import { namespaceInput, settings } from '../__fixtures__/requests';
import { RepoSnapshot } from '../manifests/types';
import { parseRequest } from '../requests/parse';
import { renderRequest } from '../render';
import { applyChanges } from './state';
import { validateRepository } from './validateRepository';

const TODAY = '2026-11-24';

function repoOf(
  ...inputs: Array<Record<string, unknown>>
): Map<string, string> {
  let repo: RepoSnapshot = new Map();
  for (const input of inputs)
    repo = applyChanges(
      repo,
      renderRequest(parseRequest(input), {
        settings,
        repo,
        codeowners: ['alice'],
      }).changes,
    );
  return repo as Map<string, string>;
}
const edited = (
  repo: Map<string, string>,
  path: string,
  edit: (text: string) => string,
) => new Map(repo).set(path, edit(repo.get(path)!));
const problemsOf = (repo: RepoSnapshot) =>
  validateRepository(repo, settings, TODAY).map(p => `${p.path}: ${p.message}`);

describe('validateRepository', () => {
  const clean = repoOf(
    namespaceInput,
    { ...namespaceInput, name: 'billing', team: 'billing' },
    { ...namespaceInput, name: 'payments-qa' },
  );

  it('finds nothing wrong in what the portal rendered', () => {
    expect(problemsOf(clean)).toEqual([]);
  });

  it('reports every problem of every unreadable file with the file path, and checks the other namespaces', () => {
    let repo = edited(
      clean,
      'clusters/dev/namespaces/billing/kustomization.yaml',
      t => t.replace(/\n\s+provisioning\.kubeportal\.io\/environment: dev/, ''),
    );
    repo = edited(
      repo,
      'clusters/dev/namespaces/payments-qa/resourcequota.yaml',
      t =>
        t
          .replace('limits.cpu: "4"', 'limits.cpu: 4 cores')
          .replace('services: "5"', 'services: "0.5"'),
    );
    repo = edited(
      repo,
      'clusters/dev/namespaces/payments-dev/resourcequota.yaml',
      t => t.replace('requests.cpu: "2"', 'requests.cpu: "17"'),
    );
    expect(problemsOf(repo)).toEqual([
      'clusters/dev/namespaces/billing/kustomization.yaml: labels[].pairs.provisioning.kubeportal.io/environment: is missing (must be dev, staging, prod)',
      'clusters/dev/namespaces/payments-dev/resourcequota.yaml: requests.cpu 17 is above the dev maximum of 16',
      "clusters/dev/namespaces/payments-qa/resourcequota.yaml: spec.hard.limits.cpu: '4 cores' is not a Kubernetes quantity (a number with an optional suffix such as m, k, M, G, Ki, Mi, Gi, Ti, or an exponent like 1e3)",
      "clusters/dev/namespaces/payments-qa/resourcequota.yaml: spec.hard.services: '0.5' must be a whole number",
      // a quota edited by hand leaves the team's cost summary behind, which the check names
      '.kubeportal/spend/payments/dev/payments-dev.yaml: says 57.00 EUR a month, but the namespace costs 357.00 EUR',
    ]);
  });

  it('checks every quota field against the environment maximum, counts included', () => {
    const strict = {
      ...settings,
      policy: {
        ...settings.policy,
        maxQuota: { dev: { services: 4, nodePorts: 0 } },
      },
    };
    const repo = edited(
      clean,
      'clusters/dev/namespaces/billing/resourcequota.yaml',
      t => t.replace('services.nodeports: "0"', 'services.nodeports: "1"'),
    );
    expect(
      validateRepository(repo, strict, TODAY).map(
        p => `${p.path}: ${p.message}`,
      ),
    ).toEqual([
      'clusters/dev/namespaces/billing/resourcequota.yaml: services 5 is above the dev maximum of 4',
      'clusters/dev/namespaces/billing/resourcequota.yaml: services.nodeports 1 is above the dev maximum of 0',
      'clusters/dev/namespaces/payments-dev/resourcequota.yaml: services 5 is above the dev maximum of 4',
      'clusters/dev/namespaces/payments-qa/resourcequota.yaml: services 5 is above the dev maximum of 4',
    ]);
  });

  it("checks that Flux creates each namespace and applies its folder with the namespace's own account", () => {
    const platformFile = 'clusters/dev/platform/namespaces/billing.yaml';
    // Flux's own account (cluster-admin) or another namespace's would reach beyond the folder's namespace
    let repo = edited(clean, platformFile, t =>
      t.replace(
        'serviceAccountName: ns-billing',
        'serviceAccountName: kustomize-controller',
      ),
    );
    repo = edited(
      repo,
      'clusters/dev/platform/namespaces/payments-qa.yaml',
      t => t.replace(/\n\s+serviceAccountName: ns-payments-qa/, ''),
    );
    repo = edited(repo, 'clusters/dev/platform/kustomization.yaml', t =>
      t.replace('  - namespaces/payments-dev.yaml\n', ''),
    );
    repo.set(
      'clusters/dev/platform/namespaces/gone.yaml',
      repo.get(platformFile)!,
    );
    expect(problemsOf(repo)).toEqual([
      'clusters/dev/platform/namespaces/gone.yaml: has no namespace folder (clusters/dev/namespaces/gone)',
      "clusters/dev/platform/namespaces/billing.yaml: applies ./clusters/dev/namespaces/billing as 'kustomize-controller': it must be the namespace's own account 'ns-billing'",
      'clusters/dev/platform/namespaces/payments-dev.yaml: is not listed in clusters/dev/platform/kustomization.yaml, so Flux neither creates the namespace nor applies its folder',
      "clusters/dev/platform/namespaces/payments-qa.yaml: applies ./clusters/dev/namespaces/payments-qa as 'the controller's default account': it must be the namespace's own account 'ns-payments-qa'",
    ]);
    const unlisted = edited(clean, 'clusters/dev/kustomization.yaml', t =>
      t.replace('  - platform\n', ''),
    );
    expect(problemsOf(unlisted)).toEqual([
      "clusters/dev/kustomization.yaml: does not list platform, so the cluster's whole desired state lacks its Namespaces",
    ]);
  });
});
