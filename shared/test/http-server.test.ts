import assert from 'node:assert/strict';
import { connect, type AddressInfo } from 'node:net';
import Koa from 'koa';
import { closeServer, listenWithTimeouts, type HttpLimits } from '../src/http-server.ts';

const LIMITS: HttpLimits = {
  headersMs: 800,
  requestMs: 1_600,
  keepAliveMs: 5_000,
  checkEveryMs: 100,
};
/** What Node's check timer and a busy machine may add to a limit. */
const SLACK_MS = 700;

interface Exchange {
  received: string;
  /** Milliseconds from the first byte sent to the first byte of an answer. */
  answeredAfterMs: number;
}

/**
 * Sends `chunks` over one raw TCP connection (waiting `pauseMs` before each one that has it) and
 * resolves with everything the server sent once it closes or `done` is satisfied.
 */
function rawExchange(
  port: number,
  chunks: { send: string; pauseMs?: number }[],
  done: (received: string) => boolean = () => false,
): Promise<Exchange> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1');
    let received = '';
    let started = 0;
    let answeredAfterMs = -1;
    const finish = () => resolve({ received, answeredAfterMs });
    socket.on('data', (chunk) => {
      if (answeredAfterMs < 0) answeredAfterMs = performance.now() - started;
      received += chunk.toString('latin1');
      if (done(received)) {
        socket.destroy();
        finish();
      }
    });
    socket.on('error', reject);
    socket.on('close', finish);
    socket.on('connect', () => {
      started = performance.now();
      (async () => {
        for (const chunk of chunks) {
          if (chunk.pauseMs) await new Promise((r) => setTimeout(r, chunk.pauseMs));
          if (socket.destroyed) return;
          socket.write(chunk.send);
        }
      })().catch(reject);
    });
  });
}

describe('HTTP limits on a raw socket', function () {
  this.timeout(15_000);
  let port: number;
  let close: () => Promise<void>;

  before(async () => {
    const app = new Koa();
    app.silent = true;
    // Reads the whole body first, as the services' body parser does.
    app.use(async (ctx) => {
      for await (const _chunk of ctx.req) void _chunk;
      ctx.body = { ok: true };
    });
    const server = await listenWithTimeouts(app, 0, '127.0.0.1', LIMITS);
    port = (server.address() as AddressInfo).port;
    close = () => closeServer(server);
  });
  after(() => close());

  it('when a body stops after 9 of 200 bytes, then 408 arrives at the request limit, not a multiple of it', async () => {
    const { received, answeredAfterMs } = await rawExchange(port, [
      {
        send: 'POST / HTTP/1.1\r\nHost: t\r\nContent-Type: application/json\r\nContent-Length: 200\r\n\r\n{"since":',
      },
    ]);
    assert.match(received, /^HTTP\/1\.1 408 /);
    assert.match(received, /"code":"request_timeout"/);
    assert.ok(answeredAfterMs >= LIMITS.requestMs - 50, `answered after ${answeredAfterMs} ms`);
    assert.ok(
      answeredAfterMs < LIMITS.requestMs + SLACK_MS,
      `answered after ${answeredAfterMs} ms`,
    );
  });

  it('when the headers never finish, then 408 arrives at the header limit', async () => {
    const { received, answeredAfterMs } = await rawExchange(port, [
      { send: 'GET / HTTP/1.1\r\nHost: t\r\n' },
    ]);
    assert.match(received, /^HTTP\/1\.1 408 /);
    assert.ok(answeredAfterMs >= LIMITS.headersMs - 50, `answered after ${answeredAfterMs} ms`);
    assert.ok(
      answeredAfterMs < LIMITS.headersMs + SLACK_MS,
      `answered after ${answeredAfterMs} ms`,
    );
  });

  it('when a keep-alive socket idles past both request limits, then its next request is still served', async () => {
    const get = 'GET / HTTP/1.1\r\nHost: t\r\n\r\n';
    const { received } = await rawExchange(
      port,
      [{ send: get }, { send: get, pauseMs: LIMITS.requestMs + 400 }],
      (text) => (text.match(/HTTP\/1\.1 /g) ?? []).length === 2 && text.endsWith('{"ok":true}'),
    );
    assert.deepEqual(received.match(/HTTP\/1\.1 \d+/g), ['HTTP/1.1 200', 'HTTP/1.1 200']);
  });
});
