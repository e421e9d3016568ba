import { buildApp } from 'fauxqs';
import { mkdirSync } from 'node:fs';
import S3rver from 's3rver';

/** Credentials s3rver checks signatures with; fauxqs accepts any. Local only. */
export const LOCAL_AWS_CREDENTIALS = {
  AWS_ACCESS_KEY_ID: 'S3RVER',
  AWS_SECRET_ACCESS_KEY: 'S3RVER',
} as const;
export const LOCAL_CREDENTIALS = { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' };

export interface LocalEmulators {
  /** Environment for AWS SDK clients pointing at the emulators. */
  env: Record<string, string>;
  stop(): Promise<void>;
}

/**
 * fauxqs (SQS + SNS) and s3rver (S3) on 127.0.0.1 only: real AWS wire protocols, so services use
 * the same SDK code as in production. Port 0 picks free ports (tests).
 */
export async function startLocalEmulators(options: {
  sqsPort: number;
  s3Port: number;
  s3Directory: string;
}): Promise<LocalEmulators> {
  // fauxqs's own startFauxqs listens on 0.0.0.0 whatever `host` says (that option only names
  // its URLs), which would open an unauthenticated SQS, SNS and S3 to the network: its app is
  // started here on loopback instead.
  const fauxqsApp = buildApp({ logger: false, host: '127.0.0.1' });
  const fauxqs = {
    address: await fauxqsApp.listen({ port: options.sqsPort, host: '127.0.0.1' }),
    stop: () => fauxqsApp.close(),
  };
  mkdirSync(options.s3Directory, { recursive: true });
  const s3rver = new S3rver({
    address: '127.0.0.1',
    port: options.s3Port,
    silent: true,
    directory: options.s3Directory,
  });
  let s3Address: { port: number };
  try {
    s3Address = (await s3rver.run()) as unknown as { port: number };
  } catch (error) {
    await fauxqs.stop();
    throw error;
  }
  const s3Port = s3Address.port;
  return {
    env: {
      ...LOCAL_AWS_CREDENTIALS,
      AWS_REGION: 'us-east-1',
      AWS_ENDPOINT_URL_SQS: fauxqs.address,
      AWS_ENDPOINT_URL_SNS: fauxqs.address,
      AWS_ENDPOINT_URL_S3: `http://127.0.0.1:${s3Port}`,
    },
    async stop() {
      await Promise.allSettled([fauxqs.stop(), s3rver.close()]);
    },
  };
}
