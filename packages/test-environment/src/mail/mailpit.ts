import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ensureMailpit } from '../binaries';
import { freePort, startProcess, waitUntil } from '../process';

/** A mail as Mailpit lists it (`GET /api/v1/messages`), reduced to what tests look at. */
export interface MailpitMessage {
  id: string;
  messageId: string;
  from: { name: string; address: string };
  to: Array<{ name: string; address: string }>;
  subject: string;
  /** The first characters of the text body. */
  snippet: string;
  created: string;
}

/** A running Mailpit: a real SMTP server on loopback whose received mail tests read through its HTTP API. */
export interface Mailpit {
  /** Where to send mail (plain SMTP, no TLS, no authentication). */
  smtp: { host: string; port: number };
  /** Base URL of the web UI and the HTTP API (`${apiUrl}/api/v1/...`). */
  apiUrl: string;
  /** The mail received so far, newest first (as Mailpit lists it). */
  messages(): Promise<MailpitMessage[]>;
  /** The full text body of one message. */
  messageText(id: string): Promise<string>;
  /** Deletes every message (between tests). */
  clear(): Promise<void>;
  /** Stops Mailpit and removes its data folder. */
  stop(): Promise<void>;
}

interface ApiAddress {
  Name: string;
  Address: string;
}

async function api<T>(
  apiUrl: string,
  route: string,
  init?: RequestInit,
): Promise<T> {
  const res = await fetch(`${apiUrl}${route}`, init);
  if (!res.ok) {
    throw new Error(
      `Mailpit ${init?.method ?? 'GET'} ${route} answered ${
        res.status
      }: ${await res.text()}`,
    );
  }
  // DELETE answers a plain "ok"
  const json = res.headers.get('content-type')?.includes('application/json');
  return (json ? await res.json() : undefined) as T;
}

/**
 * Starts Mailpit (built from its Go module on first use, cached by version) on free loopback ports, with its
 * database in a new temporary folder, and waits until it answers `/readyz`.
 */
export async function startMailpit(
  options: { timeoutMs?: number } = {},
): Promise<Mailpit> {
  const binary = await ensureMailpit();
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mailpit-'));
  const [smtpPort, httpPort] = [await freePort(), await freePort()];
  const apiUrl = `http://127.0.0.1:${httpPort}`;
  const proc = startProcess({
    name: 'mailpit',
    command: binary,
    args: [
      '--smtp',
      `127.0.0.1:${smtpPort}`,
      '--listen',
      `127.0.0.1:${httpPort}`,
      '--database',
      path.join(dir, 'mailpit.db'),
      '--disable-version-check',
    ],
    logFile: path.join(dir, 'mailpit.log'),
  });
  const stop = async () => {
    await proc.stop();
    fs.rmSync(dir, { recursive: true, force: true, maxRetries: 3 });
  };
  try {
    await waitUntil(
      'Mailpit to answer /readyz',
      async () => (await fetch(`${apiUrl}/readyz`)).status === 200,
      { timeoutMs: options.timeoutMs ?? 20_000, process: proc },
    );
  } catch (error) {
    await stop();
    throw error;
  }
  return {
    smtp: { host: '127.0.0.1', port: smtpPort },
    apiUrl,
    async messages() {
      const list = await api<{
        messages: Array<{
          ID: string;
          MessageID: string;
          From: ApiAddress;
          To: ApiAddress[] | null;
          Subject: string;
          Snippet: string;
          Created: string;
        }>;
      }>(apiUrl, '/api/v1/messages');
      return list.messages.map(m => ({
        id: m.ID,
        messageId: m.MessageID,
        from: { name: m.From.Name, address: m.From.Address },
        to: (m.To ?? []).map(t => ({ name: t.Name, address: t.Address })),
        subject: m.Subject,
        snippet: m.Snippet,
        created: m.Created,
      }));
    },
    async messageText(id) {
      const message = await api<{ Text: string }>(
        apiUrl,
        `/api/v1/message/${encodeURIComponent(id)}`,
      );
      return message.Text;
    },
    async clear() {
      await api(apiUrl, '/api/v1/messages', { method: 'DELETE' });
    },
    stop,
  };
}
