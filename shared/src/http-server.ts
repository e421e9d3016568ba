import type Koa from 'koa';
import { createServer, type Server } from 'node:http';
import type { Duplex } from 'node:stream';

/** How long a client may take to send a request: the limits a slow or stalled client meets. */
export interface HttpLimits {
  /** The request line and headers must have arrived by then (408). */
  headersMs: number;
  /** The whole request, headers and body, must have arrived by then (408). */
  requestMs: number;
  /**
   * An idle keep-alive socket lives this long. Load balancers keep idle connections open for
   * 60 s (AWS ALB's default); a server that closed them sooner would race the balancer's next
   * request on the same socket ("socket hang up"), so it is a little longer than that. Since
   * Node 18 an idle socket is not timed by `headersMs` (that clock starts with a request's
   * first byte), so the header limit can be short.
   */
  keepAliveMs: number;
  /**
   * Node checks the two request limits on a timer, not per socket: a late request is answered
   * up to this long after its limit. Node's default (30 s) made the 30 s limit a 60-96 s one.
   */
  checkEveryMs: number;
}

export const HTTP_LIMITS: HttpLimits = {
  headersMs: 10_000,
  requestMs: 30_000,
  keepAliveMs: 65_000,
  checkEveryMs: 1_000,
};

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

/** Serves a Koa app within `limits`; resolves once listening. */
export function listenWithTimeouts(
  app: Koa,
  port: number,
  host: string,
  limits: HttpLimits = HTTP_LIMITS,
): Promise<Server> {
  const handle = app.callback();
  // Koa settles every request itself (its error handler answers and logs), so nothing is lost.
  const server = createServer(
    {
      headersTimeout: limits.headersMs,
      requestTimeout: limits.requestMs,
      keepAliveTimeout: limits.keepAliveMs,
      connectionsCheckingInterval: limits.checkEveryMs,
    },
    (req, res) => void handle(req, res),
  );
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
