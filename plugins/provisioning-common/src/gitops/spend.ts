import { z } from 'zod';
import { CostBreakdown } from '../cost';
import { parseYamlDocuments, toYaml } from '../manifests/serialize';
import { FileChange, RepoSnapshot } from '../manifests/types';
import { formatProblems, zodProblems } from '../validation';

/**
 * The per-team cost summary kept in the GitOps repository: one small file per namespace under the owning team's
 * folder, `.kubeportal/spend/<team>/<cluster>/<namespace>.yaml`, holding that namespace's monthly cost. A request
 * reads only its own team's entries (their paths come with the tree, so a warm plan reads no blob), and its pull
 * request rewrites only its own namespace's entry, so two open pull requests of a team never touch the same file.
 * `validateRepository` checks that every entry matches the namespace it summarises, so the summary stays true.
 */

/** Folder of all cost summaries. */
export const SPEND_ROOT = '.kubeportal/spend';
/** Folder of one team's cost summary. */
export const spendDir = (team: string) => `${SPEND_ROOT}/${team}`;
/** The summary entry of one namespace. */
export const spendEntryPath = (
  team: string,
  cluster: string,
  namespace: string,
) => `${spendDir(team)}/${cluster}/${namespace}.yaml`;

const SPEND_PATH =
  /^\.kubeportal\/spend\/([a-z0-9-]+)\/([a-z0-9-]+)\/([a-z0-9-]+)\.yaml$/;

/** Splits a summary entry's path; `undefined` for other paths. */
export function parseSpendEntryPath(
  path: string,
): { team: string; cluster: string; namespace: string } | undefined {
  const match = SPEND_PATH.exec(path);
  return match
    ? { team: match[1], cluster: match[2], namespace: match[3] }
    : undefined;
}

const MICRO_DIGITS = 6;
const amount = z
  .string()
  .regex(/^\d+\.\d{6}$/, 'must be an amount with six decimals, e.g. 57.000000')
  .transform(text => BigInt(text.replace('.', '')));

const entrySchema = z
  .object({
    cluster: z.string(),
    namespace: z.string(),
    team: z.string(),
    currency: z.string().min(1),
    monthly: z
      .object({
        cpu: amount,
        memory: amount,
        storage: amount,
        vms: amount,
        total: amount,
      })
      .strict(),
  })
  .strict();

/** One namespace's monthly cost as the summary holds it. */
export interface SpendEntry {
  cluster: string;
  namespace: string;
  team: string;
  currency: string;
  monthly: CostBreakdown;
}

/** Thrown for a summary entry that cannot be read; names the file and the field. */
export class SpendEntryError extends Error {
  name = 'SpendEntryError';
  constructor(readonly path: string, message: string) {
    super(`${path}: ${message}`);
  }
}

const decimal = (micro: bigint) => {
  const text = micro.toString().padStart(MICRO_DIGITS + 1, '0');
  return `${text.slice(0, -MICRO_DIGITS)}.${text.slice(-MICRO_DIGITS)}`;
};

/** The text of a namespace's summary entry. Deterministic: the same cost gives the same bytes. */
export function formatSpendEntry(entry: SpendEntry): string {
  const { monthly } = entry;
  return toYaml(
    {
      cluster: entry.cluster,
      namespace: entry.namespace,
      team: entry.team,
      currency: entry.currency,
      monthly: {
        cpu: decimal(monthly.cpu),
        memory: decimal(monthly.memory),
        storage: decimal(monthly.storage),
        vms: decimal(monthly.vms),
        total: decimal(monthly.total),
      },
    },
    ` Monthly cost of namespace ${entry.namespace} on cluster ${entry.cluster} (team ${entry.team}). Maintained by the provisioning portal.`,
  );
}

/** Reads a summary entry; throws `SpendEntryError` naming the file and field when it is malformed. */
export function parseSpendEntry(text: string, path: string): SpendEntry {
  const where = parseSpendEntryPath(path);
  if (!where)
    throw new SpendEntryError(
      path,
      'is not a cost summary path (.kubeportal/spend/<team>/<cluster>/<namespace>.yaml)',
    );
  let document: unknown;
  try {
    document = parseYamlDocuments(text, path)[0];
  } catch (error) {
    throw new SpendEntryError(
      path,
      (error as Error).message.replace(`${path}: `, ''),
    );
  }
  const parsed = entrySchema.safeParse(document);
  if (!parsed.success)
    throw new SpendEntryError(path, formatProblems(zodProblems(parsed.error)));
  const entry = parsed.data;
  for (const key of ['team', 'cluster', 'namespace'] as const) {
    if (entry[key] !== where[key])
      throw new SpendEntryError(
        path,
        `${key}: is '${entry[key]}' but the path says '${where[key]}'`,
      );
  }
  return entry;
}

/** The change that records (or, with `cost` undefined, removes) a namespace's summary entry. */
export function spendChange(
  team: string,
  cluster: string,
  namespace: string,
  cost: CostBreakdown | undefined,
  currency: string,
): FileChange {
  return {
    path: spendEntryPath(team, cluster, namespace),
    content:
      cost === undefined
        ? null
        : formatSpendEntry({
            cluster,
            namespace,
            team,
            currency,
            monthly: cost,
          }),
  };
}

/**
 * A team's monthly spend from its summary entries in a snapshot. Unreadable entries are returned as problems
 * (with their paths) instead of stopping the sum, so one bad file is named rather than blocking every request.
 */
export function teamSpend(
  repo: RepoSnapshot,
  team: string,
): {
  total: bigint;
  entries: SpendEntry[];
  problems: Array<{ path: string; message: string }>;
} {
  const prefix = `${spendDir(team)}/`;
  const entries: SpendEntry[] = [];
  const problems: Array<{ path: string; message: string }> = [];
  for (const [path, text] of repo) {
    if (!path.startsWith(prefix)) continue;
    try {
      entries.push(parseSpendEntry(text, path));
    } catch (error) {
      if (!(error instanceof SpendEntryError)) throw error;
      problems.push({ path, message: error.message.slice(path.length + 2) });
    }
  }
  return {
    total: entries.reduce((sum, e) => sum + e.monthly.total, 0n),
    entries,
    problems,
  };
}
