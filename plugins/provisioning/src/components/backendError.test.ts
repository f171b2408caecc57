import { ResponseError } from '@backstage/errors';
import { backendErrorText, isNotFound } from './backendError';

/** The error the client throws for a non-2xx answer, built from a body as the client builds it. */
const responseError = (
  status: number,
  statusText: string,
  body: string,
  contentType = 'application/json',
) =>
  ResponseError.fromResponse({
    status,
    statusText,
    ok: false,
    url: 'http://localhost:7007/api/provisioning/clusters/dev/namespaces/payments-dev/state',
    headers: new Headers({ 'content-type': contentType }),
    text: async () => body,
  } as unknown as Response);

const backendBody = (status: number, message: string) =>
  JSON.stringify({
    error: { name: status === 404 ? 'NotFoundError' : 'Error', message },
    request: { method: 'GET', url: '/clusters/dev/namespaces/payments-dev' },
    response: { statusCode: status },
  });

describe('backendErrorText', () => {
  it("gives the backend's words, then the status line", async () => {
    const error = await responseError(
      503,
      'Service Unavailable',
      backendBody(503, "cluster 'dev' cannot be reached right now"),
    );
    expect(backendErrorText(error)).toBe(
      "cluster 'dev' cannot be reached right now (Request failed with 503 Service Unavailable)",
    );
  });

  it('gives the status line alone for an answer that is not the backend’s JSON (a proxy’s page)', async () => {
    const error = await responseError(
      502,
      'Bad Gateway',
      '<html><body>502 Bad Gateway</body></html>',
      'text/html',
    );
    expect(backendErrorText(error)).toBe('Request failed with 502 Bad Gateway');
  });

  it('gives the message of any other error', () => {
    expect(backendErrorText(new TypeError('fetch failed'))).toBe(
      'fetch failed',
    );
  });
});

describe('isNotFound', () => {
  it('is true for a 404 answer only', async () => {
    expect(
      isNotFound(
        await responseError(404, 'Not Found', backendBody(404, 'no such')),
      ),
    ).toBe(true);
    expect(
      isNotFound(
        await responseError(503, 'Service Unavailable', backendBody(503, 'x')),
      ),
    ).toBe(false);
    expect(isNotFound(new Error('Not Found'))).toBe(false);
    expect(isNotFound(undefined)).toBe(false);
  });
});
