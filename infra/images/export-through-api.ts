import { addDays, todayIn } from '@wevion/shared';
import { eventually } from '@wevion/testing/polling.ts';
import { createHash } from 'node:crypto';
import { signDevToken } from '../src/local-system.ts';

/** A CSV and a PDF exported through the API at `apiUrl`, downloaded, checked by sha256. */
export async function exportBoth(apiUrl: string, jwtSecret: string, through: string) {
  const token = await signDevToken(jwtSecret, {
    sub: 'user_images',
    workspace_id: 'ws_acme',
    role: 'admin',
  });
  const api = `${apiUrl}/api/v1/analytics/export`;
  const until = addDays(todayIn('UTC'), -1);
  for (const format of ['CSV', 'PDF'] as const) {
    const posted = await fetch(api, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify({
        since: addDays(until, -13),
        until,
        platforms: ['meta', 'google'],
        format,
        target_currency: 'EUR',
      }),
    });
    if (posted.status !== 202)
      throw new Error(`POST ${format}: ${posted.status} ${await posted.text()}`);
    const { job_id: jobId } = (await posted.json()) as { job_id: string };
    const job = await eventually(
      async () => {
        const view = (await (
          await fetch(`${api}/${jobId}`, { headers: { authorization: `Bearer ${token}` } })
        ).json()) as {
          status: string;
          error: unknown;
          download_url?: string;
          file: { sha256: string; bytes: number; filename: string } | null;
        };
        return view.status === 'COMPLETED' || view.status === 'FAILED' ? view : undefined;
      },
      180_000,
      250,
    );
    if (job.status !== 'COMPLETED')
      throw new Error(`${format} export ended ${job.status}: ${JSON.stringify(job.error)}`);
    const bytes = Buffer.from(await (await fetch(job.download_url!)).arrayBuffer());
    const sha256 = createHash('sha256').update(bytes).digest('hex');
    if (sha256 !== job.file!.sha256 || bytes.length !== job.file!.bytes)
      throw new Error(
        `${format}: downloaded ${bytes.length} bytes, sha256 ${sha256}; the job says ${JSON.stringify(job.file)}`,
      );
    const head = bytes.subarray(0, 5).toString('latin1');
    if (format === 'PDF' ? head !== '%PDF-' : !head.startsWith('date'))
      throw new Error(`${format}: the file starts ${JSON.stringify(head)}`);
    console.log(
      `${format} exported through ${through}: ${job.file!.filename}, ${bytes.length} bytes, sha256 matches`,
    );
  }
}
