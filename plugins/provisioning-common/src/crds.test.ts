import { execFileSync } from 'node:child_process';
import path from 'node:path';

describe('generated CRDs', () => {
  it('match what scripts/generate-crds.mjs builds from the upstream schemas', () => {
    const script = path.resolve(__dirname, '../scripts/generate-crds.mjs');
    expect(() =>
      execFileSync(process.execPath, [script, '--check'], { stdio: 'pipe' }),
    ).not.toThrow();
  });
});
