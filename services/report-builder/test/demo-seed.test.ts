import assert from 'node:assert/strict';
import { seedDemoInsights } from '../src/adapters/duckdb-demo-seeder.ts';
import { DuckDbInsightsStore } from '../src/adapters/duckdb-insights-store.ts';
import type { DemoSize } from '../src/demo/campaign-plan.ts';

const size: DemoSize = {
  seed: 7,
  workspaces: 3,
  platforms: 4,
  campaignsPerPlatform: 6,
  days: 60,
  endDate: '2026-06-30',
  dense: false,
};

async function seeded(overrides: Partial<DemoSize> = {}) {
  const store = await DuckDbInsightsStore.open(':memory:');
  const report = await seedDemoInsights(store, { ...size, ...overrides });
  return { store, report };
}

async function scalar(store: DuckDbInsightsStore, sql: string): Promise<number> {
  return store.withConnection(async (c) => Number((await c.runAndReadAll(sql)).getRows()[0]![0]));
}

const fingerprintSql = `SELECT COUNT(*) || ':' || SUM(spend) || ':' || SUM(impressions) || ':' || SUM(clicks)
  || ':' || SUM(conversions) || ':' || SUM(conversion_value) FROM insights_hourly`;

async function fingerprint(store: DuckDbInsightsStore): Promise<string> {
  return store.withConnection(async (c) =>
    String((await c.runAndReadAll(fingerprintSql)).getRows()[0]![0]),
  );
}

describe('demo data generator', () => {
  let store: DuckDbInsightsStore;
  before(async () => ({ store } = await seeded()));
  after(() => store.close());

  it('when seeded twice with the same seed, then the data is identical; another seed differs', async () => {
    const again = await seeded();
    const other = await seeded({ seed: 8 });
    try {
      assert.equal(await fingerprint(again.store), await fingerprint(store));
      assert.notEqual(await fingerprint(other.store), await fingerprint(store));
    } finally {
      await again.store.close();
      await other.store.close();
    }
  });

  it('when sized by flags, then workspaces × platforms × campaigns and the day span are honoured', async () => {
    assert.equal(
      await scalar(store, 'SELECT COUNT(DISTINCT workspace_id) FROM insights_hourly'),
      3,
    );
    assert.equal(await scalar(store, 'SELECT COUNT(DISTINCT platform) FROM insights_hourly'), 4);
    assert.equal(
      await scalar(
        store,
        'SELECT COUNT(DISTINCT campaign_id || workspace_id) FROM insights_hourly',
      ),
      72,
    );
    assert.equal(
      await scalar(
        store,
        `SELECT COUNT(*) FROM insights_hourly WHERE ts < '2026-05-02' OR ts >= '2026-07-01'`,
      ),
      0,
    );
    const dense = await seeded({
      dense: true,
      workspaces: 1,
      platforms: 2,
      campaignsPerPlatform: 3,
      days: 10,
    });
    try {
      assert.equal(dense.report.rows, 2 * 3 * 10 * 24);
    } finally {
      await dense.store.close();
    }
  });

  it('when seeded with a cutoff (today, no --end), then no hour at or after it exists', async () => {
    const cut = await seeded({
      workspaces: 1,
      platforms: 1,
      campaignsPerPlatform: 2,
      days: 3,
      endDate: '2026-06-30',
      cutoff: '2026-06-30T15:42:00Z',
    });
    try {
      assert.equal(
        await scalar(
          cut.store,
          `SELECT COUNT(*) FROM insights_hourly WHERE ts >= '2026-06-30 15:00:00'`,
        ),
        0,
      );
      assert.ok(
        (await scalar(
          cut.store,
          `SELECT COUNT(*) FROM insights_hourly WHERE ts = '2026-06-30 14:00:00'`,
        )) > 0,
      );
    } finally {
      await cut.store.close();
    }
  });

  it('when accounts bill in JPY, then spend has no minor units; several currencies are present', async () => {
    assert.ok(
      (await scalar(store, `SELECT COUNT(*) FROM insights_hourly WHERE currency = 'JPY'`)) > 0,
    );
    assert.equal(
      await scalar(
        store,
        `SELECT COUNT(*) FROM insights_hourly WHERE currency = 'JPY' AND spend <> round(spend)`,
      ),
      0,
    );
    assert.ok((await scalar(store, 'SELECT COUNT(DISTINCT currency) FROM insights_hourly')) >= 4);
    assert.ok(
      (await scalar(
        store,
        `SELECT COUNT(*) FROM insights_hourly WHERE currency = 'EUR' AND spend <> round(spend)`,
      )) > 0,
    );
  });

  it('when looking at hours, then some have impressions but zero clicks', async () => {
    assert.ok(
      (await scalar(
        store,
        'SELECT COUNT(*) FROM insights_hourly WHERE impressions > 0 AND clicks = 0',
      )) > 100,
    );
  });

  it('when comparing platforms, then Google search out-clicks Meta and LinkedIn costs most per mille', async () => {
    const ctr = (p: string) =>
      scalar(
        store,
        `SELECT SUM(clicks) / SUM(impressions) FROM insights_hourly WHERE platform = '${p}'`,
      );
    const cpmUsd = (p: string) =>
      scalar(
        store,
        `SELECT 1000 * SUM(spend) / SUM(impressions) FROM insights_hourly WHERE platform = '${p}' AND currency = 'USD'`,
      );
    assert.ok((await ctr('google')) > 2 * (await ctr('meta')));
    assert.ok((await cpmUsd('linkedin')) > 2 * (await cpmUsd('meta')));
  });

  it('when comparing weekdays with weekends, then LinkedIn (B2B) spends clearly less at weekends', async () => {
    const perHour = (weekend: boolean) =>
      scalar(
        store,
        `SELECT AVG(spend) FROM insights_hourly WHERE platform = 'linkedin' AND dayofweek(ts) ${weekend ? 'IN' : 'NOT IN'} (0, 6)`,
      );
    assert.ok((await perHour(true)) < 0.75 * (await perHour(false)));
  });

  it('when campaigns pause for a stretch, then their hours are missing in the middle of the history', async () => {
    const paused = await scalar(
      store,
      `SELECT COUNT(*) FROM (
         SELECT campaign_id, workspace_id, datediff('day', MIN(ts), MAX(ts)) + 1 AS span, COUNT(DISTINCT ts::DATE) AS active
         FROM insights_hourly GROUP BY ALL) WHERE active < span`,
    );
    assert.ok(paused > 0);
  });

  it('when campaign names are listed, then they carry scripts, emoji and spreadsheet hazards', async () => {
    const names = await store.withConnection(async (c) =>
      (await c.runAndReadAll('SELECT DISTINCT campaign_name FROM insights_hourly'))
        .getRows()
        .map((r) => String(r[0])),
    );
    const has = (pattern: RegExp) => names.some((n) => pattern.test(n));
    assert.ok(has(/\p{Script=Han}/u), 'Chinese');
    assert.ok(
      has(/\p{Script=Arabic}|\p{Script=Cyrillic}|\p{Script=Hebrew}/u),
      'Arabic, Cyrillic or Hebrew',
    );
    assert.ok(has(/\p{Extended_Pictographic}/u), 'emoji');
    assert.ok(has(/,/) && has(/"/) && has(/\n/), 'comma, quote, line break');
    assert.ok(has(/^[=+\-@]/), 'formula prefix');
  });

  it('when demo FX rates are written, then they skip weekends like the ECB and say they are demo', async () => {
    assert.equal(
      await scalar(store, 'SELECT COUNT(*) FROM fx_rates WHERE dayofweek(date) IN (0, 6)'),
      0,
    );
    assert.ok((await scalar(store, `SELECT COUNT(*) FROM fx_rates WHERE currency = 'JPY'`)) > 40);
    assert.match(await store.fxSource(), /demo/);
  });
});
