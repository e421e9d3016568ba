import { createConfig, lintFromString } from '@redocly/openapi-core';
import assert from 'node:assert/strict';
import { OPENAPI_DOCUMENT } from '../src/http/openapi.ts';

/** The document under the linter integrators and API portals run: Redocly's recommended rules. */
describe('the OpenAPI document under Redocly', function () {
  this.timeout(30_000);

  it('when linted with the recommended rules, then it has no error and no warning', async () => {
    const problems = await lintFromString({
      source: JSON.stringify(OPENAPI_DOCUMENT),
      absoluteRef: 'openapi.json',
      config: await createConfig({ extends: ['recommended'] }),
    });
    const listed = problems.map(
      (p) => `${p.severity} ${p.ruleId}: ${p.message} (${p.location[0]?.pointer ?? '?'})`,
    );
    assert.deepEqual(listed, []);
  });
});
