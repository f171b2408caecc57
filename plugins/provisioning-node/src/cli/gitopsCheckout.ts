import { FileChange, SPEND_ROOT } from '@kubeportal/plugin-provisioning-common';
import { execFile } from 'node:child_process';
import fs from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import YAML from 'yaml';

const run = promisify(execFile);

/** Files the portal reads from a GitOps checkout: everything under `clusters/`, the teams' cost summaries, and CODEOWNERS. */
export async function readCheckout(dir: string): Promise<Map<string, string>> {
  const files = new Map<string, string>();
  const walk = async (rel: string) => {
    const entries = await fs
      .readdir(path.join(dir, rel), { withFileTypes: true })
      .catch(error => {
        if (error.code === 'ENOENT') return [];
        throw error;
      });
    for (const entry of entries) {
      const child = rel ? `${rel}/${entry.name}` : entry.name;
      if (entry.isDirectory()) await walk(child);
      else if (entry.isFile())
        files.set(child, await fs.readFile(path.join(dir, child), 'utf8'));
    }
  };
  await walk('clusters');
  await walk(SPEND_ROOT);
  const codeowners = await fs
    .readFile(path.join(dir, 'CODEOWNERS'), 'utf8')
    .catch(() => undefined);
  if (codeowners !== undefined) files.set('CODEOWNERS', codeowners);
  return files;
}

/**
 * Writes changes into a checkout. Every new file is first written beside its target and only then renamed into
 * place, so a failure part-way leaves no half-written file; folders left empty by deletions are removed.
 */
export async function writeCheckout(
  dir: string,
  changes: FileChange[],
): Promise<void> {
  const root = path.resolve(dir);
  const target = (file: string) => {
    const full = path.resolve(root, file);
    if (!full.startsWith(`${root}${path.sep}`))
      throw new Error(`${file}: path leaves the repository`);
    return full;
  };
  const staged: Array<[string, string]> = [];
  try {
    for (const change of changes) {
      if (change.content === null) continue;
      const full = target(change.path);
      await fs.mkdir(path.dirname(full), { recursive: true });
      const tmp = `${full}.kubeportal-tmp`;
      await fs.writeFile(tmp, change.content);
      staged.push([tmp, full]);
    }
  } catch (error) {
    await Promise.all(staged.map(([tmp]) => fs.rm(tmp, { force: true })));
    throw error;
  }
  for (const [tmp, full] of staged) await fs.rename(tmp, full);
  for (const change of changes) {
    if (change.content !== null) continue;
    const full = target(change.path);
    await fs.rm(full, { force: true });
    let folder = path.dirname(full);
    while (folder.startsWith(`${root}${path.sep}`)) {
      const left = await fs.readdir(folder).catch(() => ['?']);
      if (left.length > 0) break;
      await fs.rmdir(folder);
      folder = path.dirname(folder);
    }
  }
}

/**
 * Builds one cluster as Flux's kustomize-controller would: `kustomize build clusters/<cluster>` with the kustomize
 * in `KUSTOMIZE_BIN` (the test command builds the version Flux uses), else `kubectl kustomize`.
 */
export async function kustomizeBuild(
  dir: string,
  cluster: string,
): Promise<unknown[]> {
  const folder = path.join(dir, 'clusters', cluster);
  const kustomize = process.env.KUSTOMIZE_BIN;
  const [command, args] = kustomize
    ? [kustomize, ['build', folder]]
    : ['kubectl', ['kustomize', folder]];
  try {
    const { stdout } = await run(command, args, {
      maxBuffer: 256 * 1024 * 1024,
    });
    return YAML.parseAllDocuments(stdout)
      .map(doc => doc.toJS())
      .filter(Boolean);
  } catch (error) {
    const err = error as { code?: string; stderr?: string; message: string };
    if (err.code === 'ENOENT')
      throw new Error(
        `${command} is not installed: it builds the kustomizations (set KUSTOMIZE_BIN to a kustomize binary, or install kubectl)`,
      );
    const text = (err.stderr || err.message)
      .trim()
      .split('\n')
      .slice(-3)
      .join(' ');
    // kubectl prefixes a klog header and wraps the cause in err="..."; kustomize prefixes "Error: ". Keep the
    // cause, without our temp paths
    const cause = /err="(.*)"$/.exec(text)?.[1] ?? text.replace(/^Error: /, '');
    throw new Error(
      cause
        .replace(/\\"/g, '"')
        .split(`${path.resolve(dir)}/`)
        .join(''),
    );
  }
}
