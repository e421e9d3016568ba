/**
 * The stages of one CSV export, each timed in this process on the benchmark store, so the
 * end-to-end figure of `bench:csv` can be taken apart: DuckDB's own `COPY … TO` of the same
 * grouped rows (the floor), the store query alone, then report-builder's whole claim check with
 * and without gzip, then the renderer's read of that claim check into CSV lines. What the
 * end-to-end time adds to these is the SQS hops, S3 and the job's events.
 */
import {
  decodeExportRows,
  parseCsvLayout,
  parseReportQuery,
  periodStart,
  utf8Chunks,
} from '@wevion/shared';
import { copyFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { median } from '../../services/report-builder/bench/record.ts';
import { claimCheckGunzip } from '../../services/renderer/src/adapters/s3-claim-check-reader.ts';
import { CsvWriter } from '../../services/renderer/src/domain/csv.ts';
import { DuckDbInsightsStore } from '../../services/report-builder/src/adapters/duckdb-insights-store.ts';
import { DEFAULT_DUCKDB_MEMORY_LIMIT } from '../../services/report-builder/src/config.ts';
import { claimCheckGzip } from '../../services/report-builder/src/adapters/s3-claim-check-writer.ts';
import { localDays } from '../../services/report-builder/src/domain/local-days.ts';
import type { ClaimCheckWriter } from '../../services/report-builder/src/ports.ts';
import { writeExportRows } from '../../services/report-builder/src/write-export-rows.ts';

/** What DuckDB's own COPY gets: one grouping of the whole range needs more than the service's cap. */
const FLOOR_MEMORY_LIMIT = '128MB';

export const STAGES = [
  'DuckDB COPY of the grouped rows (floor)',
  'store query (DuckDB → row groups)',
  'conversion, footing, NDJSON',
  'claim-check gzip',
  'renderer: gunzip, parse, CSV lines, UTF-8',
] as const;
export type Stage = (typeof STAGES)[number];

/** A claim-check writer that keeps the bytes in memory, gzipped as S3ClaimCheckWriter does, or only drains the text. */
function memoryClaimChecks(gzip: boolean): ClaimCheckWriter & { bytes: Buffer[] } {
  const bytes: Buffer[] = [];
  return {
    bytes,
    async writeStream(_key, chunks) {
      if (!gzip) {
        for await (const chunk of chunks) void chunk;
        return;
      }
      await pipeline(Readable.from(chunks), claimCheckGzip(), async (zipped) => {
        for await (const chunk of zipped) bytes.push(chunk as Buffer);
      });
    },
    async write() {},
  };
}

/** The export a benchmark times, as the API takes it. */
export interface CsvExportBody {
  since: string;
  until: string;
  platforms: readonly string[];
  target_currency: string;
  timezone: string;
  dimensions: string[];
  granularity: string;
}

/** The export's query, layout and store request, as report-builder builds them. */
async function exportRequest(store: DuckDbInsightsStore, body: CsvExportBody) {
  const { dimensions, granularity, ...report } = body;
  const query = parseReportQuery(
    { workspace_id: 'ws_acme', ...report },
    { currencies: await store.fxCurrencies() },
  );
  const layout = parseCsvLayout({ dimensions, granularity });
  const days = localDays(query.since, query.until, query.timezone);
  const request = {
    workspaceId: query.workspace_id,
    platforms: query.platforms,
    timezone: query.timezone,
    days,
    dimensions: layout.dimensions,
    periodOf: new Map(
      days.map((d) => [d.date, periodStart(d.date, layout.granularity, query.since)]),
    ),
  };
  return { query, layout, request };
}

async function time(work: () => Promise<unknown>): Promise<number> {
  const started = performance.now();
  await work();
  return performance.now() - started;
}

/**
 * The floor: DuckDB at its best, the whole grouping in one query (which needs more than the
 * service's cap; report-builder splits it into parts instead) written to a CSV file by `COPY`.
 */
async function timeCopy(
  store: DuckDbInsightsStore,
  request: Awaited<ReturnType<typeof exportRequest>>['request'],
  dir: string,
): Promise<number> {
  const { sql, params } = store.exportGroupsQuery(request);
  await store.withConnection((c) => c.run(`SET memory_limit = '${FLOOR_MEMORY_LIMIT}'`));
  const ms = await time(() =>
    store.withConnection((c) =>
      c.run(`COPY (${sql}) TO '${join(dir, 'rows.csv')}' (HEADER)`, params),
    ),
  );
  await store.withConnection((c) => c.run(`SET memory_limit = '${DEFAULT_DUCKDB_MEMORY_LIMIT}'`));
  return ms;
}

/**
 * The floor, timed between the system's timed exports rather than minutes before them: the
 * machine's speed drifts (the same `COPY` took 1.06 to 1.41 s in one session), and a ratio of
 * two figures taken at different times carries that drift. The running system holds the store
 * (DuckDB has one writer), so this reads a copy of its file.
 */
export class CopyFloor {
  private constructor(
    private readonly store: DuckDbInsightsStore,
    private readonly request: Awaited<ReturnType<typeof exportRequest>>['request'],
    private readonly dir: string,
  ) {}

  static async open(storePath: string, body: CsvExportBody): Promise<CopyFloor> {
    const dir = mkdtempSync(join(tmpdir(), 'wevion-bench-floor-'));
    const copy = join(dir, 'insights.duckdb');
    copyFileSync(storePath, copy);
    const store = await DuckDbInsightsStore.open(copy, {
      memoryLimit: DEFAULT_DUCKDB_MEMORY_LIMIT,
      threads: 2,
    });
    const floor = new CopyFloor(store, (await exportRequest(store, body)).request, dir);
    await floor.time(); // warm-up: the copy's pages
    return floor;
  }

  time(): Promise<number> {
    return timeCopy(this.store, this.request, this.dir);
  }

  async close(): Promise<void> {
    await this.store.close();
    rmSync(this.dir, { recursive: true, force: true });
  }
}

/** Medians over `runs` of each stage's own time (cumulative runs minus the stage before). */
export async function timeCsvStages(
  storePath: string,
  body: CsvExportBody,
  runs: number,
): Promise<{ ms: Record<Stage, number>; rows: number }> {
  const store = await DuckDbInsightsStore.open(storePath, {
    memoryLimit: DEFAULT_DUCKDB_MEMORY_LIMIT,
    threads: 2,
  });
  const dir = mkdtempSync(join(tmpdir(), 'wevion-bench-copy-'));
  try {
    const { query, layout, request } = await exportRequest(store, body);
    const signal = new AbortController().signal;
    const claimCheck = (claimChecks: ClaimCheckWriter) =>
      writeExportRows(query, layout, {
        store,
        claimChecks,
        key: 'bench',
        signal,
        onProgress: async () => {},
      });
    const samples: Record<Stage, number[]> = Object.fromEntries(
      STAGES.map((s) => [s, []]),
    ) as never;
    let rows = 0;
    for (let run = 0; run <= runs; run++) {
      const copy = await timeCopy(store, request, dir);
      const scan = await time(async () => {
        for await (const batch of store.exportGroups(request)) void batch;
      });
      const encoded = await time(() => claimCheck(memoryClaimChecks(false)));
      const zipped = memoryClaimChecks(true);
      const gzipped = await time(async () => ({ rows } = await claimCheck(zipped)));
      const render = await time(async () => {
        const text = Readable.from(zipped.bytes).pipe(claimCheckGunzip()).setEncoding('utf8');
        const { header, batches } = await decodeExportRows(text, 'bench');
        const writer = new CsvWriter(header, { bom: false });
        async function* lines() {
          for await (const batch of batches) yield writer.lines(batch);
        }
        for await (const chunk of utf8Chunks(lines(), async () => {})) void chunk;
      });
      if (run === 0) continue; // warm-up: the file's pages, the JIT
      const own: Record<Stage, number> = {
        'DuckDB COPY of the grouped rows (floor)': copy,
        'store query (DuckDB → row groups)': scan,
        'conversion, footing, NDJSON': encoded - scan,
        'claim-check gzip': gzipped - encoded,
        'renderer: gunzip, parse, CSV lines, UTF-8': render,
      };
      for (const stage of STAGES) samples[stage].push(own[stage]);
    }
    return {
      ms: Object.fromEntries(STAGES.map((s) => [s, median(samples[s])])) as Record<Stage, number>,
      rows,
    };
  } finally {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  }
}
