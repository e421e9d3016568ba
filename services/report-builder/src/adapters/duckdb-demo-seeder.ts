import { addDays, DEMO_FX_SOURCE, type CalendarDate } from '@wevion/shared';
import type { CampaignPlan, DemoSize } from '../demo/campaign-plan.ts';
import { planCampaigns } from '../demo/campaign-plan.ts';
import { demoFxRates } from '../demo/fx-walk.ts';
import type { DuckDbInsightsStore } from './duckdb-insights-store.ts';

const PLAN_COLUMNS: Record<keyof CampaignPlan, string> = {
  workspace_id: 'VARCHAR',
  platform: 'VARCHAR',
  account_id: 'VARCHAR',
  campaign_id: 'VARCHAR',
  campaign_name: 'VARCHAR',
  currency: 'VARCHAR',
  currency_decimals: 'INTEGER',
  daily_budget: 'DOUBLE',
  cpm: 'DOUBLE',
  ctr: 'DOUBLE',
  cvr: 'DOUBLE',
  order_value: 'DOUBLE',
  fractional_conversions: 'BOOLEAN',
  utc_shift_hours: 'INTEGER',
  growth: 'DOUBLE',
  start_day: 'INTEGER',
  pause_from_day: 'INTEGER',
  pause_to_day: 'INTEGER',
};

/**
 * Hourly expansion in SQL: a few hundred campaign plans become millions of rows in seconds,
 * with shapes (local daily curve, weekends, season, Black Friday, growth) and noise from a
 * seeded hash of campaign and hour, so the same seed always gives the same store.
 */
const EXPAND_SQL = `
  INSERT INTO insights_hourly
  WITH hours AS (
    SELECT h AS ts, datediff('day', $first::TIMESTAMP, h) AS day_index
    FROM range($first::TIMESTAMP, $end::TIMESTAMP, INTERVAL 1 HOUR) t(h)
  ),
  noisy AS (
    SELECT c.*, h.ts, h.day_index,
           (hour(h.ts) + c.utc_shift_hours + 24) % 24 AS local_hour,
           hash($seed, c.campaign_id, h.ts) AS n1,
           hash($seed + 1, c.campaign_id, h.ts) AS n2
    FROM demo_campaigns c CROSS JOIN hours h
    WHERE h.day_index >= c.start_day
      AND NOT (h.day_index BETWEEN c.pause_from_day AND c.pause_to_day)
  ),
  uniform AS (
    SELECT *,
           (n1 & 65535) / 65536.0 AS u1, ((n1 >> 16) & 65535) / 65536.0 AS u2,
           ((n1 >> 32) & 65535) / 65536.0 AS u3, ((n1 >> 48) & 65535) / 65536.0 AS u4,
           (n2 & 65535) / 65536.0 AS u5, ((n2 >> 16) & 65535) / 65536.0 AS u6,
           ((n2 >> 32) & 65535) / 65536.0 AS u7
    FROM noisy
  ),
  delivery AS (
    SELECT *,
           cpm * (0.85 + 0.3 * u2) AS effective_cpm,
           floor(
             daily_budget / 12
             * CASE WHEN local_hour < 5 THEN 0.06 + 0.02 * local_hour
                    ELSE 0.15 + 0.85 * pow(sin(pi() * (local_hour - 5) / 19), 1.5) END
             * CASE WHEN dayofweek(ts) IN (0, 6)
                    THEN CASE WHEN platform IN ('linkedin', 'microsoft') THEN 0.55 ELSE 1.08 END
                    ELSE 1 END
             * (1 + 0.18 * sin(2 * pi() * (dayofyear(ts) - 100) / 365.0))
             * CASE WHEN month(ts) = 11 AND day(ts) >= 20 THEN 1.6
                    WHEN month(ts) = 12 AND day(ts) <= 24 THEN 1.25 ELSE 1 END
             * (1 + growth * day_index / $days)
             * (0.75 + 0.5 * u1)
             / (cpm * (0.85 + 0.3 * u2)) * 1000
           )::BIGINT AS impressions
    FROM uniform
  ),
  engaged AS (
    SELECT *, floor(impressions * ctr * (0.6 + 0.8 * u3) + u4)::BIGINT AS clicks FROM delivery
  ),
  converted AS (
    SELECT *,
           CASE WHEN fractional_conversions THEN round(clicks * cvr * (0.5 + u5), 2)
                ELSE floor(clicks * cvr * (0.5 + u5) + u6) END AS conversions
    FROM engaged
  )
  SELECT workspace_id, platform, account_id, campaign_id, campaign_name, ts, currency,
         round(impressions * effective_cpm / 1000, currency_decimals)::DECIMAL(18,6),
         impressions, clicks, conversions::DECIMAL(18,6),
         round(conversions * order_value * (0.7 + 0.6 * u7), currency_decimals)::DECIMAL(18,6)
  FROM converted
  ORDER BY workspace_id, ts`;

/** The exclusive end of the hourly range: the day after `endDate`, or the cutoff hour if earlier. */
function endOfData(size: DemoSize): string {
  const dayAfter = `${addDays(size.endDate, 1)} 00:00:00`;
  if (!size.cutoff) return dayAfter;
  const cutoff = new Date(Math.floor(Date.parse(size.cutoff) / 3_600_000) * 3_600_000)
    .toISOString()
    .replace('T', ' ')
    .slice(0, 19);
  return cutoff < dayAfter ? cutoff : dayAfter;
}

export interface SeedReport {
  campaigns: number;
  rows: number;
  first_date: CalendarDate;
  end_date: CalendarDate;
}

/** Fills an empty DuckDB store with deterministic demo insights and demo FX rates. */
export async function seedDemoInsights(
  store: DuckDbInsightsStore,
  size: DemoSize,
): Promise<SeedReport> {
  const plans = planCampaigns(size);
  const firstDate = addDays(size.endDate, -(size.days - 1));
  await store.withConnection(async (c) => {
    const columns = Object.entries(PLAN_COLUMNS).map(([name, type]) => `${name} ${type}`);
    await c.run(`CREATE OR REPLACE TABLE demo_campaigns (${columns.join(', ')})`);
    const appender = await c.createAppender('demo_campaigns');
    for (const plan of plans) {
      for (const [name, type] of Object.entries(PLAN_COLUMNS)) {
        const value = plan[name as keyof CampaignPlan];
        if (type === 'VARCHAR') appender.appendVarchar(value as string);
        else if (type === 'INTEGER') appender.appendInteger(value as number);
        else if (type === 'DOUBLE') appender.appendDouble(value as number);
        else appender.appendBoolean(value as boolean);
      }
      appender.endRow();
    }
    appender.closeSync();
    await c.run(EXPAND_SQL, {
      first: `${firstDate} 00:00:00`,
      end: endOfData(size),
      seed: size.seed,
      days: size.days,
    });
    await c.run('DROP TABLE demo_campaigns');
    await c.run(`INSERT OR REPLACE INTO store_metadata VALUES ('demo_size', $size)`, {
      size: JSON.stringify(size),
    });
  });
  // The rows went in by SQL, past insertHourly: sum them into the rollups once.
  await store.rebuildRollups();
  await store.replaceFxRates(demoFxRates(size.seed, firstDate, size.endDate), DEMO_FX_SOURCE);
  const rows = await store.withConnection(async (c) =>
    Number((await c.runAndReadAll('SELECT COUNT(*) FROM insights_hourly')).getRows()[0]![0]),
  );
  return { campaigns: plans.length, rows, first_date: firstDate, end_date: size.endDate };
}
