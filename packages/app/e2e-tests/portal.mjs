// Shared helpers of the browser tests: start the built portal (backend serving the built app) on a free port,
// and a headless Debian Chromium driven by playwright-core. Never downloads a browser.
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

const repoRoot = path.resolve(
  path.dirname(fileURLToPath(import.meta.url)),
  '../../..',
);

async function freePort() {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

async function waitFor(url, timeoutMs, child) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null)
      throw new Error(`backend exited with code ${child.exitCode}`);
    try {
      const res = await fetch(url);
      if (res.status === 200) return;
    } catch {
      // not listening yet
    }
    await new Promise(r => setTimeout(r, 500));
  }
  throw new Error(`${url} did not answer 200 within ${timeoutMs} ms`);
}

/**
 * Starts the local environment launcher (GitHub emulator with the seeded GitOps repository, real dev and prod
 * clusters with Flux) and returns the app-config file it wrote and a stop function.
 */
async function startLocalEnvironment(logs, backendUrl) {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'portal-env-'));
  const configFile = path.join(dir, 'app-config.environment.yaml');
  const child = spawn(
    process.execPath,
    [
      '--require',
      '@backstage/cli-node/config/nodeTransform.cjs',
      'packages/test-environment/src/local/localEnvironment.ts',
      configFile,
    ],
    {
      cwd: repoRoot,
      detached: true,
      env: {
        ...process.env,
        KUBEPORTAL_GITHUB_PORT: String(await freePort()),
        KUBEPORTAL_BACKEND_URL: backendUrl,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  child.stdout.on('data', d => logs.push(String(d)));
  child.stderr.on('data', d => logs.push(String(d)));
  const stop = async () => {
    if (child.exitCode !== null) return;
    process.kill(-child.pid, 'SIGTERM');
    await new Promise(r => child.once('exit', r));
    await rm(dir, { recursive: true, force: true });
  };
  const deadline = Date.now() + 120_000;
  while (!existsSync(`${configFile}.ready`)) {
    if (child.exitCode !== null || Date.now() > deadline) {
      await stop();
      throw new Error(
        `the local environment did not start:\n${logs.join('').slice(-3000)}`,
      );
    }
    await new Promise(r => setTimeout(r, 250));
  }
  return { configFile, stop };
}

/**
 * Starts the backend (which serves the built app) and returns its URL and a stop function. With
 * `localEnvironment`, the GitHub emulator and two real clusters start first and the backend is pointed at them.
 */
export async function startPortal(options = {}) {
  if (!existsSync(path.join(repoRoot, 'packages/app/dist/index.html'))) {
    throw new Error(
      'packages/app/dist is missing: run `yarn workspace app build` first',
    );
  }
  const port = await freePort();
  const baseUrl = `http://localhost:${port}`;
  const logs = [];
  const env = options.localEnvironment
    ? await startLocalEnvironment(logs, baseUrl)
    : undefined;
  const configArgs = env
    ? [
        '--config',
        path.join(repoRoot, 'app-config.yaml'),
        '--config',
        env.configFile,
      ]
    : [];
  const child = spawn(
    'yarn',
    ['workspace', 'backend', 'start', ...configArgs],
    {
      cwd: repoRoot,
      detached: true,
      env: {
        ...process.env,
        APP_CONFIG_app_baseUrl: baseUrl,
        APP_CONFIG_backend_baseUrl: baseUrl,
        APP_CONFIG_backend_listen_port: String(port),
        APP_CONFIG_backend_cors_origin: baseUrl,
        // without the local environment (which adds it), guest sign-in is configured here: never in app-config.yaml
        ...(env
          ? {}
          : {
              APP_CONFIG_auth_providers_guest: JSON.stringify({
                userEntityRef: 'user:default/guest',
                dangerouslyAllowOutsideDevelopment: true,
              }),
            }),
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  child.stdout.on('data', d => logs.push(String(d)));
  child.stderr.on('data', d => logs.push(String(d)));
  const stopBackend = async () => {
    if (child.exitCode === null) {
      process.kill(-child.pid, 'SIGTERM');
      await new Promise(r => {
        const timer = setTimeout(() => {
          try {
            process.kill(-child.pid, 'SIGKILL');
          } catch {
            // already gone
          }
          r();
        }, 10_000);
        child.once('exit', () => {
          clearTimeout(timer);
          r();
        });
      });
    }
  };
  const stop = async () => {
    await stopBackend();
    await env?.stop();
  };
  try {
    await waitFor(`${baseUrl}/.backstage/health/v1/readiness`, 180_000, child);
  } catch (error) {
    await stop();
    throw new Error(
      `${error.message}\n--- backend log ---\n${logs.join('').slice(-4000)}`,
    );
  }
  const environment = env
    ? await readFile(`${env.configFile}.ready`, 'utf8')
    : undefined;
  return { baseUrl, stop, logs, environment };
}

/** Launches headless Debian Chromium with the flags this machine needs. */
export async function launchBrowser() {
  const userDataDir = await mkdtemp(path.join(os.tmpdir(), 'portal-chromium-'));
  const context = await chromium.launchPersistentContext(userDataDir, {
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    headless: true,
    viewport: { width: 1400, height: 900 },
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
  return {
    context,
    close: async () => {
      await context.close();
      await rm(userDataDir, { recursive: true, force: true });
    },
  };
}
