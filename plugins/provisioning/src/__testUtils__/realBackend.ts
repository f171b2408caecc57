import { spawn, ChildProcess } from 'node:child_process';
import path from 'node:path';
import { ProvisioningApi, ProvisioningClient } from '../api';

/** The provisioning backend, really started, and a client of it for each of its users. */
export interface RealBackend {
  url: string;
  /** The app's real client, signed in as `user` (jdoe and alice of team payments, mallory of billing). */
  client(user?: string): ProvisioningApi;
  stop(): Promise<void>;
}

/**
 * Starts the provisioning backend plugin in a child process (`plugins/provisioning-backend/dev`: Backstage's test
 * backend with the real plugin, the GitHub emulator and a real API server) and waits for its ready line.
 */
export async function startRealBackend(): Promise<RealBackend> {
  const backendDir = path.dirname(
    require.resolve('@kubeportal/plugin-provisioning-backend/package.json'),
  );
  const child: ChildProcess = spawn(
    process.execPath,
    [
      '--require',
      require.resolve('@backstage/cli/config/nodeTransform.cjs'),
      path.join(backendDir, 'dev', 'index.ts'),
    ],
    { cwd: backendDir, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let stderr = '';
  child.stderr!.on('data', chunk => {
    stderr = (stderr + chunk).slice(-4000);
  });
  const ready = await new Promise<{
    url: string;
    authorization: Record<string, string>;
  }>((resolve, reject) => {
    let stdout = '';
    child.stdout!.on('data', chunk => {
      stdout += chunk;
      const line = stdout.split('\n').find(l => l.startsWith('{"url"'));
      if (line) resolve(JSON.parse(line));
    });
    child.on('exit', code =>
      reject(
        new Error(`the provisioning backend exited with ${code}: ${stderr}`),
      ),
    );
  });
  return {
    url: ready.url,
    client: (user = 'jdoe') =>
      new ProvisioningClient({
        discoveryApi: {
          getBaseUrl: async plugin => `${ready.url}/api/${plugin}`,
        },
        fetchApi: {
          fetch: (input, init) =>
            fetch(input, {
              ...init,
              headers: {
                ...(init?.headers as Record<string, string>),
                authorization: ready.authorization[user],
              },
            }),
        },
      }),
    stop: async () => {
      if (child.exitCode !== null) return;
      const exited = new Promise(resolve => child.once('exit', resolve));
      child.kill('SIGTERM');
      await exited;
    },
  };
}
