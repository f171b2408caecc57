/* A helper for test files, not a test file: `describeWithPostgres` defines, under CI, the one failing test of a suite
   that cannot run (so the export rule for test files and the assertion rule for that failing test do not apply). */
/* eslint-disable jest/no-export, jest/expect-expect */
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { realComponentsRequired } from '../availability';
import { freePort, startProcess, waitUntil } from '../process';

const run = promisify(execFile);

/** Where Debian's PostgreSQL 15 keeps its programs; `KUBEPORTAL_POSTGRES_BIN` points elsewhere. */
const DEFAULT_BIN = '/usr/lib/postgresql/15/bin';

/** The folder of `initdb`, `postgres` and `pg_ctl`. */
function postgresBin(): string {
  return process.env.KUBEPORTAL_POSTGRES_BIN || DEFAULT_BIN;
}

/** The user PostgreSQL runs as: it refuses root, so as root it runs as Debian's `postgres` user. */
function runAs(): { uid: number; gid: number } | undefined {
  if (process.getuid?.() !== 0) return undefined;
  try {
    const passwd = fs.readFileSync('/etc/passwd', 'utf8');
    const entry = passwd
      .split('\n')
      .map(line => line.split(':'))
      .find(fields => fields[0] === 'postgres');
    return entry ? { uid: Number(entry[2]), gid: Number(entry[3]) } : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Why a real PostgreSQL cannot run here, or `undefined` when it can: its programs are missing (Debian package
 * `postgresql`), or we run as root and there is no `postgres` user to run it as.
 */
export function postgresUnavailableReason(): string | undefined {
  const bin = postgresBin();
  for (const program of ['initdb', 'postgres', 'pg_ctl', 'pg_isready']) {
    if (!fs.existsSync(path.join(bin, program))) {
      return `${path.join(
        bin,
        program,
      )} is missing (install Debian's postgresql package or set KUBEPORTAL_POSTGRES_BIN)`;
    }
  }
  if (process.getuid?.() === 0 && !runAs()) {
    return 'PostgreSQL refuses to run as root and there is no postgres user to run it as';
  }
  return undefined;
}

/** A real PostgreSQL server of the test environment. */
export interface TestPostgres {
  /** `postgresql://postgres@127.0.0.1:<port>/postgres`: trust authentication, superuser `postgres`. */
  connectionString: string;
  /** Stops the server and removes its data. */
  stop(): Promise<void>;
}

/**
 * Starts a throw-away PostgreSQL (Debian's, `/usr/lib/postgresql/15/bin`): a fresh cluster in a temporary folder
 * (owned by `postgres` when we run as root), listening on a free loopback port with its unix socket inside the data
 * folder, fsync off. The server runs under the test environment's supervisor, so it dies with this process even on
 * a crash.
 */
export async function startPostgres(): Promise<TestPostgres> {
  const reason = postgresUnavailableReason();
  if (reason) throw new Error(`PostgreSQL cannot run here: ${reason}`);
  const bin = postgresBin();
  const user = runAs();
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'kubeportal-postgres-'));
  const dataDir = path.join(root, 'data');
  fs.mkdirSync(dataDir, { mode: 0o700 });
  if (user) {
    fs.chownSync(root, user.uid, user.gid);
    fs.chownSync(dataDir, user.uid, user.gid);
  }
  const asPostgres = (program: string, args: string[]) =>
    run(path.join(bin, program), args, {
      uid: user?.uid,
      gid: user?.gid,
      cwd: root,
      env: { ...process.env, LC_ALL: 'C.UTF-8' },
    });
  const cleanUp = () => fs.rmSync(root, { recursive: true, force: true });

  try {
    await asPostgres('initdb', [
      '-D',
      dataDir,
      '-U',
      'postgres',
      '--auth=trust',
      '--encoding=UTF8',
      '--no-sync',
    ]);
  } catch (error) {
    cleanUp();
    throw new Error(`initdb failed: ${(error as Error).message}`);
  }

  const port = await freePort();
  const logFile = path.join(root, 'postgres.log');
  const serverArgs = [
    '-D',
    dataDir,
    '-p',
    String(port),
    '-k',
    dataDir,
    '-c',
    'listen_addresses=127.0.0.1',
    '-c',
    'fsync=off',
    '-c',
    'synchronous_commit=off',
    '-c',
    'full_page_writes=off',
    '-c',
    'max_connections=200',
  ];
  const server = startProcess({
    name: 'postgres',
    command: user ? 'setpriv' : path.join(bin, 'postgres'),
    args: user
      ? [
          `--reuid=${user.uid}`,
          `--regid=${user.gid}`,
          '--init-groups',
          path.join(bin, 'postgres'),
          ...serverArgs,
        ]
      : serverArgs,
    logFile,
    cwd: root,
  });
  if (user) fs.chownSync(logFile, user.uid, user.gid);

  const stop = async () => {
    // A fast shutdown ends open sessions; the supervisor's TERM would wait for them (a smart shutdown).
    await asPostgres('pg_ctl', [
      '-D',
      dataDir,
      '-m',
      'fast',
      '-w',
      'stop',
    ]).catch(() => undefined);
    await server.stop();
    cleanUp();
  };
  try {
    await waitUntil(
      'PostgreSQL to accept connections',
      async () => {
        await run(path.join(bin, 'pg_isready'), [
          '-h',
          '127.0.0.1',
          '-p',
          String(port),
          '-U',
          'postgres',
        ]);
        return true;
      },
      { timeoutMs: 30_000, process: server, intervalMs: 100 },
    );
  } catch (error) {
    await stop();
    throw error;
  }
  return {
    connectionString: `postgresql://postgres@127.0.0.1:${port}/postgres`,
    stop,
  };
}

/**
 * `describe`, or `describe.skip` with a printed reason when a real PostgreSQL cannot run here; when real components
 * are required (`KUBEPORTAL_REQUIRE_REAL=1`, as in CI) a suite that cannot run fails with the reason instead.
 */
export function describeWithPostgres(name: string, fn: () => void): void {
  const reason = postgresUnavailableReason();
  if (reason && realComponentsRequired()) {
    // eslint-disable-next-line jest/valid-title
    describe(name, () => {
      it('needs a real PostgreSQL, which cannot run here', () => {
        throw new Error(`a real PostgreSQL cannot run here: ${reason}`);
      });
    });
    return;
  }
  if (reason) {
    // eslint-disable-next-line no-console
    console.warn(
      `SKIPPED '${name}': a real PostgreSQL cannot run here: ${reason}`,
    );
  }
  // A wrapper around describe: the title and body come from the caller; skipping is deliberate and reported.
  const suite = reason ? describe.skip : describe;
  // eslint-disable-next-line jest/valid-title, jest/valid-describe-callback
  suite(name, fn);
}
