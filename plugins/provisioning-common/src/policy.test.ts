import { ZodError } from 'zod';
import { namespaceInput, settings, vmInput } from './__fixtures__/requests';
import { parsePlatformSettings } from './config';
import { applyChanges } from './gitops/state';
import { RepoSnapshot } from './manifests/types';
import { evaluatePolicy } from './policy';
import { parseRequest } from './requests/parse';
import { renderRequest } from './render';
import { formatMoney } from './cost';

const TODAY = '2026-11-24';

function check(
  input: Record<string, unknown>,
  repo: RepoSnapshot = new Map(),
  projectLeads = ['alice'],
) {
  const request = parseRequest(input);
  const result = renderRequest(request, {
    settings,
    repo,
    codeowners: projectLeads,
  });
  return evaluatePolicy(request, result, repo, settings, TODAY, {
    projectLeads,
  });
}
const rulesOf = (
  input: Record<string, unknown>,
  repo?: RepoSnapshot,
  projectLeads?: string[],
) =>
  check(input, repo, projectLeads).violations.map(
    v => `${v.path} [${v.rule}]: ${v.message}`,
  );

describe('evaluatePolicy', () => {
  it('passes a request within every rule and reports the team spend', () => {
    const result = check(namespaceInput);
    expect(result.violations).toEqual([]);
    expect(formatMoney(result.teamMonthlyAfter, 'EUR')).toBe('57.00 EUR');
    expect(formatMoney(result.teamBudget!, 'EUR')).toBe('1000.00 EUR');
  });

  it('refuses quotas above the environment maximum, naming each key', () => {
    const custom = {
      requestsCpu: '20',
      limitsCpu: '40',
      requestsMemory: '128Gi',
      limitsMemory: '128Gi',
      requestsStorage: '10Gi',
      persistentVolumeClaims: 2,
      pods: 10,
      services: 2,
    };
    expect(
      rulesOf({ ...namespaceInput, limitRange: undefined, quota: { custom } }),
    ).toEqual([
      'quota.requestsCpu [max-quota]: requests.cpu 20 is above the dev maximum of 16',
      'quota.limitsCpu [max-quota]: limits.cpu 40 is above the dev maximum of 32',
      'quota.requestsMemory [max-quota]: requests.memory 128Gi is above the dev maximum of 64Gi',
    ]);
    // the XL tier sits exactly on the dev maximum, which is allowed
    expect(rulesOf({ ...namespaceInput, quota: { tier: 'XL' } })).toEqual([]);
  });

  it('refuses a dev namespace on a prod cluster, expiry in prod and too few prod approvers', () => {
    expect(
      rulesOf({
        ...namespaceInput,
        cluster: 'prod',
        networkPolicy: { preset: 'isolated' },
      }),
    ).toEqual([
      "environment [environment]: dev namespaces do not belong on cluster 'prod', which is prod",
    ]);
    expect(
      rulesOf({
        ...namespaceInput,
        cluster: 'prod',
        environment: 'prod',
        networkPolicy: { preset: 'isolated' },
      }),
    ).toEqual([
      'expires [prod-expiry]: prod namespaces must not expire: leave the expiry date empty',
      "team [prod-approvers]: prod changes need at least 2 project leads to approve; team 'payments' has 1 in the catalog",
    ]);
    // the project leads come from the catalog, never from the form: two leads pass
    expect(
      rulesOf(
        {
          ...namespaceInput,
          cluster: 'prod',
          environment: 'prod',
          expires: undefined,
          networkPolicy: { preset: 'isolated' },
        },
        undefined,
        ['alice', 'bob'],
      ),
    ).toEqual([]);
  });

  it('bounds expiry dates', () => {
    expect(rulesOf({ ...namespaceInput, expires: '2026-11-24' })).toEqual([
      'expires [max-expiry]: must be after today (2026-11-24)',
    ]);
    expect(rulesOf({ ...namespaceInput, expires: '2028-01-01' })).toEqual([
      'expires [max-expiry]: is 403 days away; at most 365 are allowed',
    ]);
  });

  it('checks storage classes and networks against the cluster', () => {
    const repo = applyChanges(
      new Map(),
      renderRequest(parseRequest(namespaceInput), { settings, repo: new Map() })
        .changes,
    );
    expect(
      rulesOf(
        {
          ...vmInput,
          rootDisk: { ...vmInput.rootDisk, storageClass: 'gold' },
          network: { type: 'multus', name: 'vlan-999' },
        },
        repo,
      ),
    ).toEqual([
      "network.name [network]: network 'vlan-999' is not offered on cluster 'dev' (offered: vlan-100)",
      "rootDisk.storageClass [storage-class]: storage class 'gold' is not offered on cluster 'dev' (offered: standard, fast)",
    ]);
  });

  it('keeps the team within its budget across clusters', () => {
    let repo: RepoSnapshot = new Map();
    const first = { ...namespaceInput, quota: { tier: 'L' } };
    repo = applyChanges(
      repo,
      renderRequest(parseRequest(first), { settings, repo }).changes,
    );
    // L costs 8*20 + 32*3 + 500*0.1 = 306 EUR; three of them pass 1000, the fourth does not
    for (const name of ['payments-b', 'payments-c']) {
      const input = { ...first, name };
      expect(rulesOf(input, repo)).toEqual([]);
      repo = applyChanges(
        repo,
        renderRequest(parseRequest(input), { settings, repo }).changes,
      );
    }
    expect(rulesOf({ ...first, name: 'payments-d' }, repo)).toEqual([
      "quota [team-budget]: team 'payments' would spend 1224.00 EUR a month, above its budget of 1000.00 EUR",
    ]);
    // another team is not affected
    expect(
      rulesOf({ ...first, name: 'billing', team: 'billing' }, repo),
    ).toEqual([]);
  });

  it("reads past malformed files the request does not read, but not past its team's spend", () => {
    const base = [
      namespaceInput,
      { ...namespaceInput, name: 'billing', team: 'billing' },
      { ...namespaceInput, name: 'ops', team: 'ops' },
    ].reduce<RepoSnapshot>(
      (repo, input) =>
        applyChanges(
          repo,
          renderRequest(parseRequest(input), { settings, repo }).changes,
        ),
      new Map(),
    );
    const broken = (
      repo: RepoSnapshot,
      path: string,
      edit: (text: string) => string,
    ) => new Map(repo).set(path, edit(repo.get(path)!));
    // another team's quota and an unparsable kustomization (whose team cannot be known) do not block payments
    let repo = broken(
      base,
      'clusters/dev/namespaces/billing/resourcequota.yaml',
      t => t.replace('pods: "20"', 'pods: lots'),
    );
    repo = broken(
      repo,
      'clusters/dev/namespaces/ops/kustomization.yaml',
      t => `${t}\n: [`,
    );
    expect(rulesOf({ ...namespaceInput, name: 'payments-b' }, repo)).toEqual(
      [],
    );

    // the team's spend comes from its cost summary: an unreadable entry leaves it unknown, and a change that
    // costs more is refused, naming the file
    repo = broken(repo, '.kubeportal/spend/payments/dev/payments-dev.yaml', t =>
      t.replace('total: "57.000000"', 'total: lots'),
    );
    expect(rulesOf({ ...namespaceInput, name: 'payments-b' }, repo)).toEqual([
      "quota [team-budget]: the budget of team 'payments' cannot be checked: .kubeportal/spend/payments/dev/payments-dev.yaml: monthly.total: must be an amount with six decimals, e.g. 57.000000",
    ]);
    // another team's namespace does not count towards it, and is not read
    expect(
      formatMoney(
        check({ ...namespaceInput, name: 'payments-c' }, base).teamMonthlyAfter,
        'EUR',
      ),
    ).toBe('114.00 EUR');

    repo = broken(
      repo,
      'clusters/dev/namespaces/payments-dev/resourcequota.yaml',
      t => t.replace('requests.memory: 4Gi', 'requests.memory: 4 GB'),
    );
    // a request that touches the malformed namespace is blocked by the typed error naming the file
    expect(() =>
      check(
        {
          kind: 'quota-change',
          cluster: 'dev',
          namespace: 'payments-dev',
          requester: 'user:default/jdoe',
          purpose: 'More',
          quota: { tier: 'M' },
        },
        repo,
      ),
    ).toThrow(
      expect.objectContaining({
        name: 'RepositoryFileError',
        path: 'clusters/dev/namespaces/payments-dev/resourcequota.yaml',
        field: 'spec.hard.requests.memory',
      }),
    );
  });
});

describe('evaluatePolicy: VM disk sources follow the allow-list', () => {
  const images = parsePlatformSettings({
    clusters: settings.clusters,
    policy: {
      ...settings.policy,
      vmImages: {
        namespaces: ['golden-images'],
        hosts: ['images.example.com', 'registry.example.com', '10.0.0.5'],
      },
    },
  });
  const repo = [
    namespaceInput,
    { ...namespaceInput, name: 'billing-dev', team: 'billing' },
  ].reduce<RepoSnapshot>(
    (snapshot, input) =>
      applyChanges(
        snapshot,
        renderRequest(parseRequest(input), { settings: images, repo: snapshot })
          .changes,
      ),
    new Map(),
  );
  const violationsOf = (source: Record<string, unknown>) => {
    const request = parseRequest({
      ...vmInput,
      rootDisk: { ...vmInput.rootDisk, source },
    });
    const result = renderRequest(request, { settings: images, repo });
    return evaluatePolicy(request, result, repo, images, TODAY, {
      projectLeads: ['alice'],
    }).violations.map(v => `${v.path} [${v.rule}]: ${v.message}`);
  };
  const allowed = 'allowed: images.example.com, registry.example.com, 10.0.0.5';

  it.each([
    [
      'a configured image namespace',
      { type: 'pvc', namespace: 'golden-images', name: 'rhel9' },
    ],
    [
      "the VM's own namespace",
      { type: 'pvc', namespace: 'payments-dev', name: 'my-disk' },
    ],
    [
      'a configured host',
      { type: 'http', url: 'https://images.example.com/rhel9.qcow2' },
    ],
    [
      'a configured host on another port',
      { type: 'http', url: 'http://images.example.com:8080/rhel9.qcow2' },
    ],
    [
      'a configured host in upper case (the same host: DNS names compare without case)',
      { type: 'http', url: 'https://IMAGES.Example.COM/rhel9.qcow2' },
    ],
    [
      'a listed IP address',
      { type: 'http', url: 'http://10.0.0.5/rhel9.qcow2' },
    ],
    [
      'a configured registry',
      { type: 'registry', url: 'docker://registry.example.com/os/rhel:9' },
    ],
  ])('allows %s', (_what, source) => {
    expect(violationsOf(source)).toEqual([]);
  });

  it.each([
    [
      "another team's namespace",
      { type: 'pvc', namespace: 'billing-dev', name: 'their-disk' },
      "rootDisk.source.namespace [vm-image-source]: cloning from namespace 'billing-dev' is not allowed: a VM clones from its own namespace ('payments-dev') or an image namespace (golden-images)",
    ],
    [
      'user info in front of another host',
      {
        type: 'http',
        url: 'https://images.example.com@evil.example/rhel9.qcow2',
      },
      "rootDisk.source.url [vm-image-source]: must not carry user info ('images.example.com@evil.example'): the host is what follows '@', so write the host alone",
    ],
    [
      'user info behind a backslash (read as a path by browsers, as user info by others)',
      {
        type: 'http',
        url: 'https://images.example.com\\@evil.example/rhel9.qcow2',
      },
      "rootDisk.source.url [vm-image-source]: must not carry user info ('images.example.com\\@evil.example'): the host is what follows '@', so write the host alone",
    ],
    [
      'an allowed name as a prefix of another host',
      { type: 'http', url: 'https://images.example.com.evil.net/rhel9.qcow2' },
      `rootDisk.source.url [vm-image-source]: host 'images.example.com.evil.net' is not an allowed image host (${allowed})`,
    ],
    [
      'the same in upper case',
      { type: 'http', url: 'https://IMAGES.EXAMPLE.COM.EVIL.NET/rhel9.qcow2' },
      `rootDisk.source.url [vm-image-source]: host 'images.example.com.evil.net' is not an allowed image host (${allowed})`,
    ],
    [
      'an allowed name in the path only',
      { type: 'http', url: 'https://evil.net/images.example.com/rhel9.qcow2' },
      `rootDisk.source.url [vm-image-source]: host 'evil.net' is not an allowed image host (${allowed})`,
    ],
    [
      'an IP address not listed',
      { type: 'http', url: 'http://169.254.169.254/latest/meta-data' },
      `rootDisk.source.url [vm-image-source]: host '169.254.169.254' is not an allowed image host (an IP address is allowed only when listed) (${allowed})`,
    ],
    [
      'an IP address written as one number',
      { type: 'http', url: 'http://167772165/rhel9.qcow2' },
      `rootDisk.source.url [vm-image-source]: host '167772165' is not an allowed image host (an IP address is allowed only when listed) (${allowed})`,
    ],
    [
      'a percent-escaped host',
      { type: 'http', url: 'https://images%2eexample.com/rhel9.qcow2' },
      "rootDisk.source.url [vm-image-source]: must name its host plainly ('images%2eexample.com'): letters, digits, dots and dashes, an optional port",
    ],
    [
      'a registry that is not listed',
      {
        type: 'registry',
        url: 'docker://registry.example.com.evil.net/os/rhel:9',
      },
      `rootDisk.source.url [vm-image-source]: host 'registry.example.com.evil.net' is not an allowed image host (${allowed})`,
    ],
    [
      'a registry behind user info',
      {
        type: 'registry',
        url: 'docker://registry.example.com@evil.example/os/rhel:9',
      },
      "rootDisk.source.url [vm-image-source]: must not carry user info ('registry.example.com@evil.example'): the host is what follows '@', so write the host alone",
    ],
    [
      'an image without a registry (Docker Hub)',
      { type: 'registry', url: 'docker://fedora:40' },
      `rootDisk.source.url [vm-image-source]: names no registry, so it comes from Docker Hub ('docker.io'), which is not an allowed image host (${allowed})`,
    ],
  ])('refuses %s', (_what, source, violation) => {
    expect(violationsOf(source)).toEqual([violation]);
  });

  it('keeps the local examples working by default: golden-images and the reserved example hosts only', () => {
    expect(parsePlatformSettings().policy.vmImages).toEqual({
      namespaces: ['golden-images'],
      hosts: ['images.example.com', 'img.example'],
    });
    // a policy that leaves vmImages out keeps the default
    expect(settings.policy.vmImages.namespaces).toEqual(['golden-images']);
    expect(rulesOf(vmInput, repo)).toEqual([]);
  });

  it('refuses allow-list entries that are not plain canonical hosts, naming the entry', () => {
    const problems = (hosts: string[]) => {
      try {
        parsePlatformSettings({ policy: { vmImages: { hosts } } });
        return [];
      } catch (error) {
        return (error as ZodError).issues.map(
          i => `${i.path.join('.')}: ${i.message}`,
        );
      }
    };
    expect(problems(['images.example.com', '10.0.0.5', '[fd00::1]'])).toEqual(
      [],
    );
    for (const entry of [
      'Images.example.com',
      'https://images.example.com',
      'images.example.com:443',
      'user@images.example.com',
      '010.0.0.5',
      '167772165',
      '*.example.com',
    ]) {
      expect(problems([entry])).toEqual([
        `policy.vmImages.hosts.0: '${entry}' must be a host name in lower case, an IPv4 address or a bracketed IPv6 address, written canonically (no scheme, port, path or user info)`,
      ]);
    }
  });
});
