import { ChildProcess, spawn } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';

// This package is dev/test only and runs from source, never from a production build.
// eslint-disable-next-line no-restricted-syntax
export const PACKAGE_ROOT = path.resolve(__dirname, '..');

/** A free TCP port on loopback. */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address() as net.AddressInfo;
      server.close(() => resolve(address.port));
    });
  });
}

/** A process of the test environment, tied to this Node process: it dies when we do, even on a crash. */
export interface ManagedProcess {
  name: string;
  logFile: string;
  child: ChildProcess;
  /** Stops the process (TERM, then KILL after 5 s) and waits for it. */
  stop(): Promise<void>;
  /** The last lines of its log, for error messages. */
  tail(lines?: number): string;
}

/** Starts a binary under the supervisor script, logging to a file. */
export function startProcess(options: {
  name: string;
  command: string;
  args: string[];
  logFile: string;
  env?: NodeJS.ProcessEnv;
  cwd?: string;
}): ManagedProcess {
  const log = fs.openSync(options.logFile, 'a');
  const child = spawn(
    'bash',
    [
      path.join(PACKAGE_ROOT, 'scripts/supervise.sh'),
      String(process.pid),
      options.command,
      ...options.args,
    ],
    {
      stdio: ['ignore', log, log],
      env: { ...process.env, ...options.env },
      cwd: options.cwd,
    },
  );
  fs.closeSync(log);
  const exited = new Promise<void>(resolve =>
    child.once('exit', () => resolve()),
  );
  return {
    name: options.name,
    logFile: options.logFile,
    child,
    async stop() {
      if (child.exitCode === null && child.signalCode === null)
        child.kill('SIGTERM');
      await exited;
    },
    tail(lines = 20) {
      try {
        return fs
          .readFileSync(options.logFile, 'utf8')
          .trim()
          .split('\n')
          .slice(-lines)
          .join('\n');
      } catch {
        return '';
      }
    },
  };
}

/** Polls until `check` resolves true, the process dies, or the timeout passes. */
export async function waitUntil(
  what: string,
  check: () => Promise<boolean>,
  options: { timeoutMs: number; process?: ManagedProcess; intervalMs?: number },
): Promise<void> {
  const deadline = Date.now() + options.timeoutMs;
  for (;;) {
    if (options.process && options.process.child.exitCode !== null) {
      throw new Error(
        `${
          options.process.name
        } exited while waiting for ${what}:\n${options.process.tail()}`,
      );
    }
    if (await check().catch(() => false)) return;
    if (Date.now() > deadline) {
      throw new Error(
        `timed out after ${options.timeoutMs} ms waiting for ${what}${
          options.process ? `:\n${options.process.tail()}` : ''
        }`,
      );
    }
    await new Promise(r => setTimeout(r, options.intervalMs ?? 250));
  }
}
