import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import YAML from 'yaml';
import { main } from './main';

async function run(args: string[]) {
  const out: string[] = [];
  const err: string[] = [];
  const code = await main(
    args,
    l => out.push(l),
    l => err.push(l),
  );
  return { code, out, err };
}

const platform = {
  clusters: [
    {
      name: 'dev',
      environment: 'dev',
      storageClasses: ['standard'],
      ingressNamespace: 'ingress-nginx',
    },
    { name: 'prod', environment: 'prod', storageClasses: ['ceph'] },
  ],
  policy: { maxQuota: { dev: { requestsCpu: '4' } } },
};

const request = {
  kind: 'namespace',
  cluster: 'dev',
  name: 'payments',
  team: 'payments',
  requester: 'jdoe',
  environment: 'dev',
  costCentre: 'CC-1',
  purpose: 'CLI test',
  quota: { tier: 'S' },
};

describe('provisioning command line', () => {
  let repo: string;
  let requestFile: string;

  beforeEach(async () => {
    repo = await fs.mkdtemp(path.join(os.tmpdir(), 'gitops-cli-'));
    await fs.mkdir(path.join(repo, '.kubeportal'));
    await fs.writeFile(
      path.join(repo, '.kubeportal/platform.yaml'),
      YAML.stringify(platform),
    );
    requestFile = path.join(repo, 'request.yaml');
  });
  afterEach(() => fs.rm(repo, { recursive: true, force: true }));

  const writeRequest = (value: unknown) =>
    fs.writeFile(requestFile, YAML.stringify(value));

  it('renders requests into a checkout that then validates', async () => {
    await writeRequest(request);
    // a new namespace needs its owners: the portal takes them from the catalog, the command line from --owners
    expect(
      await run(['render', '--request', requestFile, '--repo', repo]),
    ).toEqual({
      code: 2,
      out: [],
      err: [
        "--owners is required for a new namespace: the GitHub logins of the team's project leads, who approve its changes",
      ],
    });
    const rendered = await run([
      'render',
      '--request',
      requestFile,
      '--repo',
      repo,
      '--owners',
      'alice',
    ]);
    expect(rendered.code).toBe(0);
    expect(rendered.out).toContain(
      'write  clusters/dev/namespaces/payments/resourcequota.yaml',
    );
    expect(rendered.out).toContain(
      'monthly cost: 0.00 EUR -> 57.00 EUR (+57.00 EUR)',
    );
    await writeRequest({
      kind: 'vm',
      cluster: 'dev',
      namespace: 'payments',
      name: 'db',
      requester: 'jdoe',
      purpose: 'x',
      cpu: 1,
      memory: '1Gi',
      rootDisk: {
        size: '10Gi',
        source: { type: 'http', url: 'https://img.example/a.qcow2' },
      },
    });
    expect(
      (await run(['render', '--request', requestFile, '--repo', repo])).code,
    ).toBe(0);
    const validated = await run(['validate', '--repo', repo]);
    expect(validated).toEqual({
      code: 0,
      out: ['GitOps repository is valid'],
      err: [],
    });
  });

  it('reports every field problem of a bad request and writes nothing', async () => {
    await writeRequest({
      ...request,
      name: 'Kube_System',
      quota: { tier: 'XXL' },
      approvers: ['mallory'],
    });
    const result = await run([
      'render',
      '--request',
      requestFile,
      '--repo',
      repo,
      '--owners',
      'alice',
    ]);
    expect(result.code).toBe(1);
    expect(result.err).toEqual([
      `${requestFile}: name: must be a DNS-1123 label: lower-case letters, digits and '-', starting and ending with a letter or digit`,
      `${requestFile}: (root): Unrecognized key(s) in object: 'approvers'`,
    ]);
    await expect(fs.readdir(path.join(repo, 'clusters'))).rejects.toThrow(
      'ENOENT',
    );
  });

  it('refuses a policy violation with its rule', async () => {
    await writeRequest({ ...request, quota: { tier: 'L' } });
    const result = await run([
      'render',
      '--request',
      requestFile,
      '--repo',
      repo,
      '--owners',
      'alice',
    ]);
    expect(result).toEqual({
      code: 1,
      out: [],
      err: [
        `${requestFile}: quota.requestsCpu: requests.cpu 8 is above the dev maximum of 4 [max-quota]`,
      ],
    });
    await expect(fs.readdir(path.join(repo, 'clusters'))).rejects.toThrow(
      'ENOENT',
    );
  });

  it('finds problems in a repository edited by hand, one line each', async () => {
    await writeRequest(request);
    await run([
      'render',
      '--request',
      requestFile,
      '--repo',
      repo,
      '--owners',
      'alice',
    ]);
    const quotaPath = path.join(
      repo,
      'clusters/dev/namespaces/payments/resourcequota.yaml',
    );
    await fs.writeFile(
      quotaPath,
      (
        await fs.readFile(quotaPath, 'utf8')
      ).replace('requests.cpu: "2"', 'requests.cpu: "12"'),
    );
    await fs.writeFile(
      quotaPath,
      (
        await fs.readFile(quotaPath, 'utf8')
      ).replace('    provisioning.kubeportal.io/requester: jdoe\n', ''),
    );
    await fs.writeFile(path.join(repo, 'CODEOWNERS'), '# nothing\n');
    await fs.mkdir(path.join(repo, 'clusters/prod'), { recursive: true });
    await fs.writeFile(
      path.join(repo, 'clusters/prod/kustomization.yaml'),
      'resources: [missing]\n',
    );
    const result = await run(['validate', '--repo', repo]);
    expect(result.code).toBe(1);
    expect(result.err.sort()).toEqual([
      '.kubeportal/spend/payments/dev/payments.yaml: says 57.00 EUR a month, but the namespace costs 257.00 EUR',
      'CODEOWNERS: has no owners for /.kubeportal/spend/payments/',
      'CODEOWNERS: has no owners for /clusters/dev/namespaces/payments/',
      'clusters/dev/namespaces/payments/resourcequota.yaml: requests.cpu 12 is above the dev maximum of 4',
      'clusters/dev: ResourceQuota/payments/quota: missing labels provisioning.kubeportal.io/requester',
      'clusters/prod/kustomization.yaml: apiVersion: Required; kind: Required',
      expect.stringMatching(
        /^clusters\/prod: kustomize build failed: .*missing/,
      ),
    ]);
    expect(result.err.join('\n')).not.toContain(os.tmpdir());
  });

  it('explains usage errors', async () => {
    expect((await run([])).code).toBe(2);
    const missing = await run(['render', '--repo', repo]);
    expect(missing).toEqual({
      code: 2,
      out: [],
      err: ['--request is required for render'],
    });
    const noConfig = await run([
      'validate',
      '--repo',
      path.join(repo, 'nowhere'),
    ]);
    expect(noConfig.err[0]).toMatch(
      /cannot read the platform settings \(pass --config/,
    );
  });
});
