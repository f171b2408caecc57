import {
  CODEOWNERS_PATH,
  LABELS,
  namespaceDir,
  readCodeowners,
  PlatformSettings,
  checkRequest,
  clusterDir,
  clustersIn,
  describeCostChange,
  evaluatePolicy,
  formatProblems,
  parsePlatformSettings,
  renderRequest,
  validateRepository,
  zodProblems,
} from '@kubeportal/plugin-provisioning-common';
import fs from 'node:fs/promises';
import path from 'node:path';
import YAML from 'yaml';
import { ZodError } from 'zod';
import { ObjectSchemaValidator } from '../schemas/ObjectSchemaValidator';
import { kustomizeBuild, readCheckout, writeCheckout } from './gitopsCheckout';

/** Where a GitOps repository keeps the platform settings its checks use (written by the bootstrap template). */
export const REPO_SETTINGS_PATH = '.kubeportal/platform.yaml';

/** Labels every object in a cluster build must carry. */
export const REQUIRED_LABELS = [
  LABELS.owner,
  LABELS.requester,
  LABELS.requestId,
  LABELS.costCentre,
  LABELS.environment,
  LABELS.managedBy,
];

/** Output of a command: lines for stdout and an exit code. */
export interface CommandResult {
  code: number;
  lines: string[];
}

/** Reads platform settings from a YAML file (either plain, or app-config style under `provisioning:`). */
export async function loadSettings(file: string): Promise<PlatformSettings> {
  let text: string;
  try {
    text = await fs.readFile(file, 'utf8');
  } catch {
    throw new Error(
      `${file}: cannot read the platform settings (pass --config, or add ${REPO_SETTINGS_PATH} to the repository)`,
    );
  }
  const raw = YAML.parse(text) ?? {};
  const value = raw.provisioning ?? raw;
  try {
    return parsePlatformSettings(value);
  } catch (error) {
    if (error instanceof ZodError)
      throw new Error(`${file}: ${formatProblems(zodProblems(error))}`);
    throw error;
  }
}

const today = () => new Date().toISOString().slice(0, 10);

/** `render`: renders a request into a checkout, unless it breaks a rule or the policy. */
export async function renderCommand(options: {
  request: string;
  repo: string;
  config?: string;
  today?: string;
  dryRun?: boolean;
  /** GitHub logins that own the team's folders (in the portal: the team's and the platform's project leads). */
  owners?: string[];
}): Promise<CommandResult> {
  const settings = await loadSettings(
    options.config ?? path.join(options.repo, REPO_SETTINGS_PATH),
  );
  let input: unknown;
  try {
    input = YAML.parse(await fs.readFile(options.request, 'utf8'));
  } catch (error) {
    return {
      code: 2,
      lines: [`${options.request}: ${(error as Error).message}`],
    };
  }
  const checked = checkRequest(input);
  if (!checked.request)
    return {
      code: 1,
      lines: checked.problems.map(
        p => `${options.request}: ${p.path}: ${p.message}`,
      ),
    };
  const repo = await readCheckout(options.repo);
  const request = checked.request;
  const namespace =
    request.kind === 'namespace' ? request.name : request.namespace;
  // the owners of the folder as they are, unless given: the portal takes them from the catalog
  const owners =
    options.owners ??
    readCodeowners(repo.get(CODEOWNERS_PATH))
      .get(namespaceDir(request.cluster, namespace))
      ?.map(o => o.replace(/^@/, ''));
  if (request.kind === 'namespace' && !owners?.length) {
    return {
      code: 2,
      lines: [
        `--owners is required for a new namespace: the GitHub logins of the team's project leads, who approve its changes`,
      ],
    };
  }
  let result;
  try {
    result = renderRequest(request, {
      settings,
      repo,
      codeowners: owners ?? [],
    });
  } catch (error) {
    return {
      code: 1,
      lines: [
        `${options.request}: ${(error as Error).message.replace(
          /^Invalid request: /,
          '',
        )}`,
      ],
    };
  }
  const policy = evaluatePolicy(
    request,
    result,
    repo,
    settings,
    options.today ?? today(),
    owners ? { projectLeads: owners } : undefined,
  );
  if (policy.violations.length > 0) {
    return {
      code: 1,
      lines: policy.violations.map(
        v => `${options.request}: ${v.path}: ${v.message} [${v.rule}]`,
      ),
    };
  }
  if (!options.dryRun) await writeCheckout(options.repo, result.changes);
  return {
    code: 0,
    lines: [
      `${result.title} (request ${result.requestId})`,
      ...result.changes.map(
        c => `${c.content === null ? 'delete' : 'write '} ${c.path}`,
      ),
      `monthly cost: ${describeCostChange(result)}`,
    ],
  };
}

/**
 * `validate`: checks a whole GitOps repository: policy and layout (common rules), a kustomize build of each
 * cluster, every built object against its schema, the required labels, duplicate names and CODEOWNERS.
 */
export async function validateCommand(options: {
  repo: string;
  config?: string;
  today?: string;
}): Promise<CommandResult> {
  const settings = await loadSettings(
    options.config ?? path.join(options.repo, REPO_SETTINGS_PATH),
  );
  const repo = await readCheckout(options.repo);
  const lines = validateRepository(
    repo,
    settings,
    options.today ?? today(),
  ).map(p => `${p.path}: ${p.message}`);
  const validator = ObjectSchemaValidator.fromFolders();
  for (const cluster of clustersIn(repo.keys())) {
    let objects: unknown[];
    try {
      objects = await kustomizeBuild(options.repo, cluster);
    } catch (error) {
      lines.push(
        `${clusterDir(cluster)}: kustomize build failed: ${
          (error as Error).message
        }`,
      );
      continue;
    }
    const seen = new Set<string>();
    for (const object of objects as Array<{
      kind?: string;
      metadata?: {
        name?: string;
        namespace?: string;
        labels?: Record<string, string>;
      };
    }>) {
      const id = `${object.kind}/${
        object.metadata?.namespace ? `${object.metadata.namespace}/` : ''
      }${object.metadata?.name}`;
      const where = `${clusterDir(cluster)}: ${id}`;
      if (seen.has(id)) lines.push(`${where}: defined twice`);
      seen.add(id);
      for (const problem of validator.validate(object))
        lines.push(`${where}: ${problem}`);
      const labels = object.metadata?.labels ?? {};
      const missing = REQUIRED_LABELS.filter(key => !labels[key]);
      if (missing.length > 0)
        lines.push(`${where}: missing labels ${missing.join(', ')}`);
    }
  }
  if (!repo.has(CODEOWNERS_PATH) && clustersIn(repo.keys()).length > 0)
    lines.push(`${CODEOWNERS_PATH}: is missing`);
  return {
    code: lines.length > 0 ? 1 : 0,
    lines: lines.length > 0 ? lines : ['GitOps repository is valid'],
  };
}
