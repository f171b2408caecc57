import { spawn } from 'node:child_process';
import http from 'node:http';

/** Where Debian's git keeps its smart-HTTP CGI program. */
export const GIT_HTTP_BACKEND =
  process.env.GIT_HTTP_BACKEND ?? '/usr/lib/git-core/git-http-backend';

/**
 * Serves bare repositories over git's smart HTTP protocol by running `git http-backend` as CGI, so clients
 * (Flux's source-controller, `git clone`) fetch the very repositories the GitHub emulator writes.
 * `pathInfo` is the part after the mount point, e.g. `/acme/gitops.git/info/refs`. `beforeEnd` runs once git is
 * done and before the reply ends (the emulator reacts to a push there, so the pusher sees its effects at once);
 * the promise settles when the reply has ended.
 */
export function serveGitHttp(
  req: http.IncomingMessage,
  res: http.ServerResponse,
  projectRoot: string,
  pathInfo: string,
  query: string,
  beforeEnd?: () => Promise<void>,
): Promise<void> {
  return new Promise(resolve => {
    res.on('close', () => resolve());
    runHttpBackend(req, res, projectRoot, pathInfo, query, beforeEnd);
  });
}

function runHttpBackend(
  req: http.IncomingMessage,
  res: http.ServerResponse,
  projectRoot: string,
  pathInfo: string,
  query: string,
  beforeEnd?: () => Promise<void>,
): void {
  const child = spawn(GIT_HTTP_BACKEND, [], {
    env: {
      ...process.env,
      GIT_PROJECT_ROOT: projectRoot,
      GIT_HTTP_EXPORT_ALL: '1',
      PATH_INFO: pathInfo,
      QUERY_STRING: query,
      REQUEST_METHOD: req.method ?? 'GET',
      CONTENT_TYPE: req.headers['content-type'] ?? '',
      REMOTE_USER: 'emulator',
      REMOTE_ADDR: req.socket.remoteAddress ?? '127.0.0.1',
      ...(req.headers['content-encoding']
        ? { HTTP_CONTENT_ENCODING: String(req.headers['content-encoding']) }
        : {}),
      ...(req.headers['git-protocol']
        ? { GIT_PROTOCOL: String(req.headers['git-protocol']) }
        : {}),
    },
  });
  req.pipe(child.stdin);
  let headerDone = false;
  let buffer = Buffer.alloc(0);
  child.stdout.on('data', (chunk: Buffer) => {
    if (headerDone) {
      res.write(chunk);
      return;
    }
    buffer = Buffer.concat([buffer, chunk]);
    const end = buffer.indexOf('\r\n\r\n');
    if (end < 0) return;
    headerDone = true;
    let status = 200;
    for (const line of buffer.subarray(0, end).toString('utf8').split('\r\n')) {
      const i = line.indexOf(':');
      const name = line.slice(0, i).trim();
      const value = line.slice(i + 1).trim();
      if (name.toLowerCase() === 'status') status = Number(value.split(' ')[0]);
      else res.setHeader(name, value);
    }
    res.writeHead(status);
    res.write(buffer.subarray(end + 4));
  });
  child.on('close', () => {
    if (!headerDone) {
      res.writeHead(500).end('git http-backend failed');
      return;
    }
    // a failure after git is done breaks the reply, so that the client sees it rather than a push that looks fine
    const after = beforeEnd ? beforeEnd() : Promise.resolve();
    after.then(
      () => res.end(),
      (error: Error) => res.destroy(error),
    );
  });
  child.on('error', error => {
    if (!res.headersSent)
      res.writeHead(500).end(`git http-backend failed: ${error.message}`);
  });
}
