import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { connect } from 'node:net';
import { networkInterfaces, tmpdir } from 'node:os';
import { join } from 'node:path';
import { startLocalEmulators, type LocalEmulators } from '../src/local-emulators.ts';

/** Resolves with how a TCP connection to host:port ended: 'connected' or the error's code. */
const tryConnect = (host: string, port: number) =>
  new Promise<string>((resolve) => {
    const socket = connect({ host, port, timeout: 3_000 });
    socket.once('connect', () => {
      socket.destroy();
      resolve('connected');
    });
    socket.once('timeout', () => {
      socket.destroy();
      resolve('timeout');
    });
    socket.once('error', (error: NodeJS.ErrnoException) => resolve(error.code ?? error.message));
  });

/** This machine's addresses other than loopback: where another host would reach it. */
const otherAddresses = () =>
  Object.values(networkInterfaces())
    .flat()
    .filter((a) => a && !a.internal && a.family === 'IPv4')
    .map((a) => a!.address);

describe('the local emulators', function () {
  this.timeout(30_000);
  const dir = mkdtempSync(join(tmpdir(), 'wevion-emulators-'));
  let emulators: LocalEmulators;

  before(async () => {
    emulators = await startLocalEmulators({ sqsPort: 0, s3Port: 0, s3Directory: dir });
  });
  after(async () => {
    await emulators.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('when reached on this machine’s other addresses, then SQS, SNS and S3 refuse: they listen on loopback only', async function () {
    const ports = [emulators.env.AWS_ENDPOINT_URL_SQS!, emulators.env.AWS_ENDPOINT_URL_S3!].map(
      (url) => Number(new URL(url).port),
    );
    for (const port of ports) assert.equal(await tryConnect('127.0.0.1', port), 'connected');
    const addresses = otherAddresses();
    if (!addresses.length) {
      console.log('      (this machine has no address but loopback: nothing else to try)');
      this.skip();
    }
    for (const address of addresses)
      for (const port of ports)
        assert.equal(await tryConnect(address, port), 'ECONNREFUSED', `${address}:${port}`);
  });
});
