import type Koa from 'koa';
import { createServer, type Server } from 'node:http';
import type { Duplex } from 'node:stream';

/**
 * Load balancers keep idle connections open for 60 s (AWS ALB's default). A server that closes
 * them sooner races the balancer's next request on the same socket ("socket hang up",
 * ECONNRESET), so idle sockets live a little longer than that.
 */
export const KEEP_ALIVE_TIMEOUT_MS = 65_000;
/** Must exceed the keep-alive timeout, or Node cuts a reused socket mid-headers. */
export const HEADERS_TIMEOUT_MS = 66_000;
/** A whole request (headers and body) may take this long; then 408. */
export const REQUEST_TIMEOUT_MS = 30_000;

const STATUS_FOR_CLIENT_ERROR: Record<string, [number, string, string]> = {
  HPE_HEADER_OVERFLOW: [431, 'headers_too_large', 'The request headers are too large.'],
  ERR_HTTP_REQUEST_TIMEOUT: [408, 'request_timeout', 'The request took too long to arrive.'],
};

/**
 * Errors Node's HTTP parser meets before Koa sees a request (oversized headers, garbage, a slow
 * client) answered in the API's `{error}` shape instead of Node's bare status line.
 */
function answerClientError(error: NodeJS.ErrnoException, socket: Duplex): void {
  if (!socket.writable) {
    socket.destroy();
    return;
  }
  const [status, code, message] = STATUS_FOR_CLIENT_ERROR[error.code ?? ''] ?? [
    400,
    'bad_request',
    'The request could not be parsed as HTTP.',
  ];
  const body = JSON.stringify({ error: { code, message } });
  socket.end(
    `HTTP/1.1 ${status} ${code}\r\nContent-Type: application/json; charset=utf-8\r\n` +
      `Content-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
  );
}

/** Serves a Koa app with the timeouts above; resolves once listening. */
export function listenWithTimeouts(app: Koa, port: number, host: string): Promise<Server> {
  const handle = app.callback();
  // Koa settles every request itself (its error handler answers and logs), so nothing is lost.
  const server = createServer((req, res) => void handle(req, res));
  server.keepAliveTimeout = KEEP_ALIVE_TIMEOUT_MS;
  server.headersTimeout = HEADERS_TIMEOUT_MS;
  server.requestTimeout = REQUEST_TIMEOUT_MS;
  server.on('clientError', answerClientError);
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve(server);
    });
  });
}

/** Stops accepting, closes idle keep-alive sockets, and waits for requests in flight. */
export function closeServer(server: Server): Promise<void> {
  return new Promise((resolve) => {
    server.close(() => resolve());
    server.closeIdleConnections();
  });
}
