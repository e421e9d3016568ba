import type { FxRate } from '../domain/insight-group.ts';
import type { HourlyInsight, InsightsStore } from '../ports.ts';
import type { DuckDbInsightsStore } from './duckdb-insights-store.ts';

/** Rows per insert: large enough to be fast, small enough to stay far below 16 MB per batch. */
const BATCH_ROWS = 20_000;

/**
 * Copies every hourly row and FX rate of a DuckDB store into another insights store (the
 * MongoDB one when seeding a production-shaped deployment), in keyset-paged batches so memory
 * stays flat whatever the store's size.
 */
export async function copyInsights(
  from: DuckDbInsightsStore,
  to: InsightsStore,
  options: { batchRows?: number; onProgress?: (rows: number) => void } = {},
): Promise<{ rows: number; rates: number }> {
  const batchRows = options.batchRows ?? BATCH_ROWS;
  const rates = await from.withConnection(async (c) =>
    (
      await c.runAndReadAll(
        `SELECT strftime(date, '%Y-%m-%d'), currency, rate::VARCHAR FROM fx_rates ORDER BY date, currency`,
      )
    )
      .getRows()
      .map(([date, currency, rate]): FxRate => ({
        date: date as string,
        currency: currency as string,
        rate: rate as string,
      })),
  );
  await to.replaceFxRates(rates, await from.fxSource());

  let copied = 0;
  let after = { ts: '0001-01-01 00:00:00', key: '' };
  for (;;) {
    const batch = await from.withConnection(async (c) =>
      (
        await c.runAndReadAll(
          `SELECT workspace_id, platform, account_id, campaign_id, campaign_name,
                  strftime(ts, '%Y-%m-%d %H:%M:%S'), currency, spend::VARCHAR, impressions, clicks,
                  conversions::VARCHAR, conversion_value::VARCHAR,
                  workspace_id || '|' || platform || '|' || account_id || '|' || campaign_id AS key
           FROM insights_hourly
           WHERE (ts, key) > ($ts::TIMESTAMP, $key)
           ORDER BY ts, key LIMIT ${batchRows}`,
          { ts: after.ts, key: after.key },
        )
      ).getRows(),
    );
    if (batch.length === 0) break;
    const rows = batch.map((r): HourlyInsight => ({
      workspace_id: r[0] as string,
      platform: r[1] as HourlyInsight['platform'],
      account_id: r[2] as string,
      campaign_id: r[3] as string,
      campaign_name: r[4] as string,
      ts: new Date(`${r[5] as string}Z`.replace(' ', 'T')),
      currency: r[6] as string,
      spend: r[7] as string,
      impressions: Number(r[8]),
      clicks: Number(r[9]),
      conversions: r[10] as string,
      conversion_value: r[11] as string,
    }));
    await to.insertHourly(rows);
    copied += rows.length;
    options.onProgress?.(copied);
    const last = batch[batch.length - 1]!;
    after = { ts: last[5] as string, key: last[12] as string };
  }
  return { rows: copied, rates: rates.length };
}
