/**
 * CODEOWNERS entries: one line per namespace folder, and one per team's cost summary folder, naming the project
 * leads (the team's and the platform team's) who may approve changes there. Lines the portal does not manage
 * (anything outside `/clusters/` and `/.kubeportal/spend/`) are kept above, as they were.
 */

/** Folders whose CODEOWNERS lines the portal writes: namespace folders and the teams' cost summaries. */
const MANAGED_PREFIXES = ['/clusters/', '/.kubeportal/spend/'];

const MANAGED_HEADER =
  '# Namespace folders: maintained by the provisioning portal. One line per folder.';

function split(existing: string | undefined): {
  other: string[];
  managed: Map<string, string[]>;
} {
  const other: string[] = [];
  const managed = new Map<string, string[]>();
  for (const line of (existing ?? '').split('\n')) {
    const trimmed = line.trim();
    if (trimmed === MANAGED_HEADER) continue;
    const [pattern, ...owners] = trimmed.split(/\s+/);
    if (
      pattern &&
      MANAGED_PREFIXES.some(prefix => pattern.startsWith(prefix)) &&
      !trimmed.startsWith('#')
    ) {
      managed.set(pattern, owners);
    } else {
      other.push(line);
    }
  }
  while (other.length > 0 && other[other.length - 1].trim() === '') other.pop();
  return { other, managed };
}

/**
 * Sets (or, with an empty owner list, removes) the owners of a folder. Lines stay sorted; output is stable. An
 * empty string means the file has nothing left.
 */
export function updateCodeowners(
  existing: string | undefined,
  folder: string,
  owners: string[],
): string {
  const { other, managed } = split(existing);
  const pattern = `/${folder.replace(/^\/|\/$/g, '')}/`;
  if (owners.length === 0) managed.delete(pattern);
  else
    managed.set(
      pattern,
      [...new Set(owners.map(o => (o.startsWith('@') ? o : `@${o}`)))].sort(),
    );
  const lines = [...managed.keys()]
    .sort()
    .map(key => `${key} ${managed.get(key)!.join(' ')}`);
  const parts = [...other];
  if (lines.length > 0) {
    if (parts.length > 0) parts.push('');
    parts.push(MANAGED_HEADER, ...lines);
  }
  return parts.length === 0 ? '' : `${parts.join('\n')}\n`;
}

/** Reads the owners of every managed folder: folder (without slashes) to owners (with `@`). */
export function readCodeowners(
  existing: string | undefined,
): Map<string, string[]> {
  const { managed } = split(existing);
  return new Map(
    [...managed].map(([pattern, owners]) => [
      pattern.replace(/^\/|\/$/g, ''),
      owners,
    ]),
  );
}
