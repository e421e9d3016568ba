import { MongoInsightsStore } from '../src/adapters/mongo-insights-store.ts';
import { insightsStoreContract } from './insights-store.contract.ts';

const uri = process.env.MONGODB_URI;

describe('MongoDB insights store', () => {
  if (!uri) {
    // A pending test prints its title, so the reason for the skip shows in every run.
    it(
      'skipped: MONGODB_URI is not set (no MongoDB server on this machine); set it to run the contract',
    );
    return;
  }
  insightsStoreContract(async () => {
    const database = `wevion_contract_${process.pid}_${Date.now()}`;
    // A database of its own per run, whatever database the URI names.
    const url = new URL(uri);
    url.pathname = `/${database}`;
    return MongoInsightsStore.connect(url.toString());
  });
});
