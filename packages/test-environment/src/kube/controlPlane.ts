import { generateKeyPairSync, randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import YAML from 'yaml';
import { BinaryPaths } from '../binaries';
import { freePort, ManagedProcess, startProcess, waitUntil } from '../process';
import { KubeApi } from './KubeApi';

/** A user of a test cluster with its own bearer token (bind it with RBAC to give it rights). */
export interface TestUser {
  name: string;
  token: string;
  groups: string[];
}

/** One real control plane: etcd, kube-apiserver and (by default) kube-controller-manager on loopback. */
export interface ControlPlane {
  name: string;
  /** https://127.0.0.1:<port> */
  server: string;
  /** PEM of the API server's self-signed serving certificate (its own CA). */
  caPem: string;
  adminToken: string;
  /** Extra users, by name, with tokens (no rights until bound). */
  users: Record<string, TestUser>;
  /** Path of a kubeconfig file whose current context is this cluster's admin. */
  kubeconfigPath: string;
  /** The same kubeconfig as text. */
  kubeconfig: string;
  dir: string;
  api: KubeApi;
  /** Client URL of this cluster's etcd (http://127.0.0.1:<port>): its JSON gateway answers under `/v3/`. */
  etcdUrl: string;
  processes: ManagedProcess[];
  /**
   * Stops the API server alone (etcd and the controller manager keep running), as when a cluster's API server
   * goes down: clients see their connections cut and new ones refused.
   */
  stopApiServer(): Promise<void>;
  /**
   * Starts the API server again after `stopApiServer()`: same port, same serving certificate, same etcd and
   * tokens, so clients reconnect with the settings they had. Waits for `/readyz`.
   */
  startApiServer(): Promise<void>;
  stop(): Promise<void>;
}

/** Options of one control plane. */
export interface ControlPlaneOptions {
  name: string;
  binaries: BinaryPaths;
  /** Run kube-controller-manager (quota usage, namespace finalisation, service accounts). Default true. */
  controllerManager?: boolean;
  /** Users to create tokens for. */
  users?: Array<{ name: string; groups?: string[] }>;
  /** Parent folder; default a new temporary folder. */
  baseDir?: string;
  /**
   * Extra kube-apiserver flags, after the defaults, e.g. `--watch-cache=false` so that watches are served from
   * etcd and a resourceVersion older than etcd's compaction is answered with 410 Gone.
   */
  apiServerFlags?: string[];
}

/** Writes a kubeconfig for one server and token. */
export function kubeconfigFor(
  name: string,
  server: string,
  caPem: string,
  user: string,
  token: string,
): string {
  return YAML.stringify({
    apiVersion: 'v1',
    kind: 'Config',
    clusters: [
      {
        name,
        cluster: {
          server,
          'certificate-authority-data': Buffer.from(caPem).toString('base64'),
        },
      },
    ],
    users: [{ name: `${name}-${user}`, user: { token } }],
    contexts: [{ name, context: { cluster: name, user: `${name}-${user}` } }],
    'current-context': name,
  });
}

/** Starts a control plane and waits for `/readyz` (200, not just `ok` lines). */
export async function startControlPlane(
  options: ControlPlaneOptions,
): Promise<ControlPlane> {
  const dir = fs.mkdtempSync(
    path.join(options.baseDir ?? os.tmpdir(), `kube-${options.name}-`),
  );
  const processes: ManagedProcess[] = [];
  const stopAll = async () => {
    for (const p of [...processes].reverse()) await p.stop();
  };
  try {
    const [etcdClient, etcdPeer, securePort] = [
      await freePort(),
      await freePort(),
      await freePort(),
    ];
    const etcd = startProcess({
      name: `${options.name}/etcd`,
      command: options.binaries.etcd,
      args: [
        '--data-dir',
        path.join(dir, 'etcd'),
        '--listen-client-urls',
        `http://127.0.0.1:${etcdClient}`,
        '--advertise-client-urls',
        `http://127.0.0.1:${etcdClient}`,
        '--listen-peer-urls',
        `http://127.0.0.1:${etcdPeer}`,
        '--initial-advertise-peer-urls',
        `http://127.0.0.1:${etcdPeer}`,
        '--initial-cluster',
        `default=http://127.0.0.1:${etcdPeer}`,
        '--unsafe-no-fsync',
        '--quota-backend-bytes',
        String(512 * 1024 * 1024),
        '--log-level',
        'warn',
      ],
      logFile: path.join(dir, 'etcd.log'),
    });
    processes.push(etcd);

    const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
    const saKey = path.join(dir, 'sa.key');
    fs.writeFileSync(
      saKey,
      privateKey.export({ type: 'pkcs1', format: 'pem' }),
    );
    const adminToken = randomBytes(24).toString('hex');
    const users: Record<string, TestUser> = {};
    const tokenLines = [`${adminToken},admin,admin,system:masters`];
    for (const [i, user] of (options.users ?? []).entries()) {
      const token = randomBytes(24).toString('hex');
      users[user.name] = { name: user.name, token, groups: user.groups ?? [] };
      tokenLines.push(
        `${token},${user.name},user-${i}${
          user.groups?.length ? `,"${user.groups.join(',')}"` : ''
        }`,
      );
    }
    fs.writeFileSync(
      path.join(dir, 'tokens.csv'),
      `${tokenLines.join('\n')}\n`,
    );
    const certDir = path.join(dir, 'certs');

    const apiserverOptions = {
      name: `${options.name}/kube-apiserver`,
      command: options.binaries.kubeApiserver,
      args: [
        '--etcd-servers',
        `http://127.0.0.1:${etcdClient}`,
        '--cert-dir',
        certDir,
        '--secure-port',
        String(securePort),
        '--bind-address',
        '127.0.0.1',
        '--advertise-address',
        '127.0.0.1',
        '--service-account-key-file',
        saKey,
        '--service-account-signing-key-file',
        saKey,
        '--service-account-issuer',
        'https://kubernetes.default.svc.cluster.local',
        '--service-cluster-ip-range',
        '10.96.0.0/16',
        '--authorization-mode',
        'RBAC',
        '--token-auth-file',
        path.join(dir, 'tokens.csv'),
        '--allow-privileged=true',
        '--enable-priority-and-fairness=false',
        '--profiling=false',
        ...(options.apiServerFlags ?? []),
      ],
      logFile: path.join(dir, 'kube-apiserver.log'),
    };
    let apiserver = startProcess(apiserverOptions);
    processes.push(apiserver);

    const server = `https://127.0.0.1:${securePort}`;
    const certFile = path.join(certDir, 'apiserver.crt');
    await waitUntil(
      'the API server certificate',
      async () => fs.existsSync(certFile) && fs.statSync(certFile).size > 0,
      { timeoutMs: 60_000, process: apiserver },
    );
    const caPem = fs.readFileSync(certFile, 'utf8');
    const api = new KubeApi(server, adminToken, caPem);
    const waitForReady = () =>
      waitUntil(
        `${options.name} /readyz`,
        async () => {
          await api.get('/readyz');
          return true;
        },
        { timeoutMs: 90_000, process: apiserver },
      );
    await waitForReady();

    const kubeconfig = kubeconfigFor(
      options.name,
      server,
      caPem,
      'admin',
      adminToken,
    );
    const kubeconfigPath = path.join(dir, 'kubeconfig');
    fs.writeFileSync(kubeconfigPath, kubeconfig, { mode: 0o600 });

    if (options.controllerManager !== false) {
      const caFile = path.join(dir, 'ca.crt');
      fs.writeFileSync(caFile, caPem);
      processes.push(
        startProcess({
          name: `${options.name}/kube-controller-manager`,
          command: options.binaries.kubeControllerManager,
          args: [
            '--kubeconfig',
            kubeconfigPath,
            '--service-account-private-key-file',
            saKey,
            '--root-ca-file',
            caFile,
            '--controllers',
            '*',
            '--leader-elect=false',
            '--secure-port=0',
            '--use-service-account-credentials=false',
            '--concurrent-resource-quota-syncs=5',
            '--resource-quota-sync-period=5s',
          ],
          logFile: path.join(dir, 'kube-controller-manager.log'),
        }),
      );
    }
    return {
      name: options.name,
      server,
      caPem,
      adminToken,
      users,
      kubeconfig,
      kubeconfigPath,
      dir,
      api,
      etcdUrl: `http://127.0.0.1:${etcdClient}`,
      processes,
      async stopApiServer() {
        await apiserver.stop();
      },
      async startApiServer() {
        if (apiserver.child.exitCode === null && !apiserver.child.signalCode)
          throw new Error(`${options.name}/kube-apiserver is still running`);
        const restarted = startProcess(apiserverOptions);
        processes[processes.indexOf(apiserver)] = restarted;
        apiserver = restarted;
        await waitForReady();
      },
      async stop() {
        api.close();
        await stopAll();
        fs.rmSync(dir, { recursive: true, force: true });
      },
    };
  } catch (error) {
    await stopAll();
    throw error;
  }
}
