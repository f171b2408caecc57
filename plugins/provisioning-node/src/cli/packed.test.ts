import { execFileSync, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import YAML from 'yaml';

/**
 * The command line as published: `yarn build` and `yarn pack` of this package and of the common package, the two
 * tarballs unpacked into a project of their own, and the packed `provisioning` bin run there on a temporary GitOps
 * repository. Third-party dependencies come from the repository's node_modules (NODE_PATH), the portal's own
 * packages only from the tarballs.
 */
describe('the packed provisioning command line', () => {
  const repoRoot = path.resolve(__dirname, '../../../..');
  let project: string;
  let bin: string;

  beforeAll(() => {
    project = fs.mkdtempSync(path.join(os.tmpdir(), 'provisioning-cli-'));
    for (const [workspace, folder] of [
      ['@kubeportal/plugin-provisioning-common', 'plugin-provisioning-common'],
      ['@kubeportal/plugin-provisioning-node', 'plugin-provisioning-node'],
    ]) {
      execFileSync('yarn', ['workspace', workspace, 'build'], {
        cwd: repoRoot,
        stdio: 'pipe',
      });
      const tarball = path.join(project, `${folder}.tgz`);
      execFileSync('yarn', ['workspace', workspace, 'pack', '--out', tarball], {
        cwd: repoRoot,
        stdio: 'pipe',
      });
      const target = path.join(project, 'node_modules', '@kubeportal', folder);
      fs.mkdirSync(target, { recursive: true });
      execFileSync('tar', [
        '-xzf',
        tarball,
        '-C',
        target,
        '--strip-components=1',
      ]);
    }
    bin = path.join(
      project,
      'node_modules/@kubeportal/plugin-provisioning-node/bin/provisioning',
    );
  }, 300_000);
  afterAll(() => fs.rmSync(project, { recursive: true, force: true }));

  const run = (...args: string[]) => {
    const result = spawnSync(process.execPath, [bin, ...args], {
      cwd: project,
      encoding: 'utf8',
      env: {
        PATH: process.env.PATH,
        NODE_PATH: path.join(repoRoot, 'node_modules'),
      },
    });
    return {
      code: result.status,
      out: result.stdout.trim().split('\n'),
      err: result.stderr.trim(),
    };
  };

  it('ships the built code, not the sources', () => {
    const packed = path.join(
      project,
      'node_modules/@kubeportal/plugin-provisioning-node',
    );
    expect(fs.existsSync(path.join(packed, 'dist/index.cjs.js'))).toBe(true);
    expect(fs.existsSync(path.join(packed, 'src'))).toBe(false);
    expect(
      JSON.parse(fs.readFileSync(path.join(packed, 'package.json'), 'utf8'))
        .main,
    ).toBe('dist/index.cjs.js');
  });

  it('renders a request into a repository that then validates', () => {
    const gitops = path.join(project, 'gitops');
    fs.mkdirSync(path.join(gitops, '.kubeportal'), { recursive: true });
    fs.writeFileSync(
      path.join(gitops, '.kubeportal/platform.yaml'),
      YAML.stringify({
        clusters: [
          { name: 'dev', environment: 'dev', storageClasses: ['fast'] },
        ],
      }),
    );
    const request = path.join(project, 'request.yaml');
    fs.writeFileSync(
      request,
      YAML.stringify({
        kind: 'namespace',
        cluster: 'dev',
        name: 'payments',
        team: 'payments',
        requester: 'jdoe',
        environment: 'dev',
        costCentre: 'CC-1',
        purpose: 'packed',
        quota: { tier: 'S' },
      }),
    );
    const rendered = run(
      'render',
      '--request',
      request,
      '--repo',
      gitops,
      '--owners',
      'alice',
    );
    expect(rendered).toMatchObject({ code: 0, err: '' });
    expect(rendered.out).toContain(
      'write  clusters/dev/namespaces/payments/resourcequota.yaml',
    );
    expect(fs.readFileSync(path.join(gitops, 'CODEOWNERS'), 'utf8')).toContain(
      '/clusters/dev/namespaces/payments/ @alice',
    );
    expect(run('validate', '--repo', gitops)).toEqual({
      code: 0,
      out: ['GitOps repository is valid'],
      err: '',
    });
  });

  it('answers usage errors with the usage', () => {
    const result = run('render');
    expect(result.code).toBe(2);
    expect(result.err).toContain('--request is required for render');
  });
});
