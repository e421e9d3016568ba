import { DuckDbInsightsStore } from '../src/adapters/duckdb-insights-store.ts';
import { insightsStoreContract } from './insights-store.contract.ts';

describe('DuckDB insights store', () => {
  insightsStoreContract(() => DuckDbInsightsStore.open(':memory:'));
});
