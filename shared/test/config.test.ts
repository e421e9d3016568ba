import assert from 'node:assert/strict';
import Joi from 'joi';
import { loadConfig } from '../src/config.ts';

describe('configuration from the environment', () => {
  const schema = Joi.object<{ MONGODB_URI?: string; SQLITE_PATH: string }>({
    MONGODB_URI: Joi.string().uri({ scheme: ['mongodb'] }),
    SQLITE_PATH: Joi.string().default('data/export-api.sqlite'),
  });

  it('when a variable is set to nothing, then it counts as not set: its default applies, an optional one stays absent', () => {
    const config = loadConfig(schema, { MONGODB_URI: '', SQLITE_PATH: '' });
    assert.equal(config.MONGODB_URI, undefined);
    assert.equal(config.SQLITE_PATH, 'data/export-api.sqlite');
  });

  it('when a variable is set to something invalid, then loading names it', () => {
    assert.throws(() => loadConfig(schema, { MONGODB_URI: 'http://x' }), /MONGODB_URI/);
  });
});
