import YAML from 'yaml';
import { namespaceInput, settings, vmInput } from '../__fixtures__/requests';
import { parseRequest } from '../requests/parse';
import { renderRequest } from '../render';
import { RepositoryFileError } from './errors';
import {
  applyChanges,
  readAllNamespaces,
  readNamespace,
  scanNamespaces,
} from './state';

const DIR = 'clusters/dev/namespaces/payments-dev';
const PLATFORM_FILE = 'clusters/dev/platform/namespaces/payments-dev.yaml';
const empty = new Map<string, string>();
const withNamespace = applyChanges(
  empty,
  renderRequest(parseRequest(namespaceInput), { settings, repo: empty })
    .changes,
);
const withVm = applyChanges(
  withNamespace,
  renderRequest(parseRequest(vmInput), { settings, repo: withNamespace })
    .changes,
);

/** The repository with one file's text edited. */
const edited = (
  repo: Map<string, string>,
  path: string,
  edit: (text: string) => string,
) => new Map(repo).set(path, edit(repo.get(path)!));

/** What `readNamespace` throws, as data. */
function readError(
  repo: Map<string, string>,
): Pick<RepositoryFileError, 'name' | 'path' | 'field' | 'rule' | 'message'> {
  try {
    readNamespace(repo, 'dev', 'payments-dev');
  } catch (error) {
    const { name, path, field, rule, message } = error as RepositoryFileError;
    expect(RepositoryFileError.is(error)).toBe(true);
    return { name, path, field, rule, message };
  }
  throw new Error('readNamespace did not throw');
}

describe('readNamespace', () => {
  it('reads back what the renderer wrote', () => {
    expect(readNamespace(withVm, 'dev', 'payments-dev')).toMatchObject({
      team: 'payments',
      environment: 'dev',
      quota: { requestsCpu: '2', services: 5, loadBalancers: 0 },
      vms: [{ name: 'legacy-db', cpu: 2, memory: '2Gi' }],
    });
  });

  it('refuses a kustomization without an environment label, naming the file and field', () => {
    const repo = edited(withNamespace, `${DIR}/kustomization.yaml`, t =>
      t.replace(/^\s+provisioning\.kubeportal\.io\/environment: dev\n/m, ''),
    );
    expect(readError(repo)).toEqual({
      name: 'RepositoryFileError',
      path: `${DIR}/kustomization.yaml`,
      field: 'labels[].pairs.provisioning.kubeportal.io/environment',
      rule: 'is missing (must be dev, staging, prod)',
      message: `${DIR}/kustomization.yaml: labels[].pairs.provisioning.kubeportal.io/environment: is missing (must be dev, staging, prod)`,
    });
  });

  it('refuses an unknown environment rather than reading it as dev', () => {
    const repo = edited(withNamespace, `${DIR}/kustomization.yaml`, t =>
      t.replace('environment: dev', 'environment: qa'),
    );
    expect(readError(repo).rule).toBe(
      "'qa' is not an environment (must be dev, staging, prod)",
    );
  });

  it('names the quota key whose value is not a quantity, and every such key', () => {
    const repo = edited(withNamespace, `${DIR}/resourcequota.yaml`, t =>
      t
        .replace('requests.cpu: "2"', 'requests.cpu: two')
        .replace('pods: "20"', 'pods: "2.5"'),
    );
    const error = readError(repo);
    expect(error).toMatchObject({
      path: `${DIR}/resourcequota.yaml`,
      field: 'spec.hard.requests.cpu',
    });
    expect(error.message).toMatch(
      new RegExp(
        `^${DIR}/resourcequota\\.yaml: spec\\.hard\\.requests\\.cpu: 'two' is not a Kubernetes quantity .*; spec\\.hard\\.pods: '2\\.5' must be a whole number$`,
      ),
    );
  });

  it('names the field of a malformed object and of a VM without memory', () => {
    const ns = edited(withNamespace, PLATFORM_FILE, t =>
      t.replace('kind: Namespace', 'kind: Namespaces'),
    );
    expect(readError(ns)).toMatchObject({ path: PLATFORM_FILE, field: 'kind' });
    const renamed = edited(withNamespace, PLATFORM_FILE, t =>
      t.replace('  name: payments-dev\n', '  name: billing-dev\n'),
    );
    expect(readError(renamed)).toMatchObject({
      path: PLATFORM_FILE,
      field: 'metadata.name',
      rule: "'billing-dev' must be 'payments-dev', the name of its namespace folder",
    });
    const vm = edited(withVm, `${DIR}/vm-legacy-db.yaml`, t =>
      YAML.parseAllDocuments(t)
        .map(doc => {
          const value = doc.toJS();
          if (value?.kind === 'VirtualMachine') {
            delete value.spec.template.spec.domain.memory;
            delete value.spec.template.spec.domain.resources;
          }
          return YAML.stringify(value);
        })
        .join('---\n'),
    );
    expect(readError(vm)).toEqual(
      expect.objectContaining({
        path: `${DIR}/vm-legacy-db.yaml`,
        message: `${DIR}/vm-legacy-db.yaml: spec.template.spec.domain.memory.guest: is missing`,
      }),
    );
    const disk = edited(withVm, `${DIR}/vm-legacy-db.yaml`, t =>
      t.replace('storage: 20Gi', 'storage: 20 gigs'),
    );
    expect(readError(disk)).toMatchObject({
      field:
        'spec.dataVolumeTemplates[0].spec.storage.resources.requests.storage',
    });
  });

  it('names missing files and YAML syntax errors by their path', () => {
    const noNamespace = new Map(withNamespace);
    noNamespace.delete(PLATFORM_FILE);
    expect(readError(noNamespace).message).toBe(
      `${PLATFORM_FILE}: is missing (the namespace folder has a kustomization)`,
    );
    const noVm = new Map(withVm);
    noVm.delete(`${DIR}/vm-legacy-db.yaml`);
    expect(readError(noVm).message).toBe(
      `${DIR}/kustomization.yaml: resources: lists vm-legacy-db.yaml, which does not exist`,
    );
    const badYaml = edited(
      withNamespace,
      `${DIR}/resourcequota.yaml`,
      t => `${t}  : [\n`,
    );
    expect(readError(badYaml)).toMatchObject({
      path: `${DIR}/resourcequota.yaml`,
      field: undefined,
      rule: expect.stringMatching(/^document 1: /),
    });
  });
});

describe('scanNamespaces', () => {
  it('reads past a malformed folder, listing it with its team', () => {
    let repo = applyChanges(
      withNamespace,
      renderRequest(
        parseRequest({ ...namespaceInput, name: 'billing', team: 'billing' }),
        { settings, repo: withNamespace },
      ).changes,
    );
    repo = edited(repo, `${DIR}/resourcequota.yaml`, t =>
      t.replace('requests.memory: 4Gi', 'requests.memory: four'),
    );
    const scan = scanNamespaces(repo, ['dev']);
    expect(scan.namespaces.map(ns => ns.name)).toEqual(['billing']);
    expect(scan.unreadable).toEqual([
      {
        cluster: 'dev',
        name: 'payments-dev',
        team: 'payments',
        error: expect.objectContaining({
          path: `${DIR}/resourcequota.yaml`,
          field: 'spec.hard.requests.memory',
        }),
      },
    ]);
    expect(() => readAllNamespaces(repo, ['dev'])).toThrow(
      `${DIR}/resourcequota.yaml: spec.hard.requests.memory: 'four'`,
    );
  });
});
