import fs from 'node:fs';
import path from 'node:path';
import { FileChange } from '../manifests/types';

const GOLDEN_ROOT = path.join(__dirname, 'golden');

/**
 * Compares rendered changes with the golden files of a case: `<case>/files/<path>` for written files and
 * `<case>/deleted.txt` for deletions. `UPDATE_GOLDEN=1` rewrites them (review the diff before committing); under CI
 * (`CI=true`) it is refused.
 */
export function expectGolden(caseName: string, changes: FileChange[]) {
  const dir = path.join(GOLDEN_ROOT, caseName);
  const deleted = changes.filter(c => c.content === null).map(c => c.path);
  const written = changes.filter(c => c.content !== null) as Array<{
    path: string;
    content: string;
  }>;
  if (process.env.UPDATE_GOLDEN && process.env.CI === 'true') {
    // under CI the goldens are the expectation, never the output of the code under test
    throw new Error(
      'UPDATE_GOLDEN is refused under CI: goldens are reviewed changes, not rewritten by a test run',
    );
  }
  if (process.env.UPDATE_GOLDEN) {
    fs.rmSync(dir, { recursive: true, force: true });
    for (const change of written) {
      const file = path.join(dir, 'files', change.path);
      fs.mkdirSync(path.dirname(file), { recursive: true });
      fs.writeFileSync(file, change.content);
    }
    fs.mkdirSync(dir, { recursive: true });
    fs.writeFileSync(
      path.join(dir, 'deleted.txt'),
      deleted.map(d => `${d}\n`).join(''),
    );
  }
  const listFiles = (folder: string): string[] =>
    fs.existsSync(folder)
      ? fs
          .readdirSync(folder, { withFileTypes: true })
          .flatMap(entry =>
            entry.isDirectory()
              ? listFiles(path.join(folder, entry.name))
              : [path.join(folder, entry.name)],
          )
      : [];
  const filesDir = path.join(dir, 'files');
  const expectedPaths = listFiles(filesDir)
    .map(f => path.relative(filesDir, f).split(path.sep).join('/'))
    .sort();
  expect(written.map(c => c.path).sort()).toEqual(expectedPaths);
  for (const change of written) {
    expect(`${change.path}:\n${change.content}`).toBe(
      `${change.path}:\n${fs.readFileSync(
        path.join(filesDir, change.path),
        'utf8',
      )}`,
    );
  }
  expect(deleted).toEqual(
    fs
      .readFileSync(path.join(dir, 'deleted.txt'), 'utf8')
      .split('\n')
      .filter(Boolean),
  );
}
