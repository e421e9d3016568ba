import assert from 'node:assert/strict';
import { contractCheckedHttp, documentedBodies, documentProblem } from './openapi-contract.ts';
import { startHarness, type Harness } from './harness.ts';
import { SCHEDULE_REQUEST_EXAMPLE } from '../src/http/openapi/examples.ts';

/** The OpenAPI document itself is not an example-bearing API body. */
const SELF = '/api/v1/openapi.json';

describe('the OpenAPI examples', function () {
  this.timeout(30_000);
  let h: Harness;
  const http = contractCheckedHttp(() => h.app.koa.callback());

  before(async () => {
    h = await startHarness({ WEBHOOK_ALLOW_PRIVATE_TARGETS: 'true' });
  });
  after(() => h.close());

  it('when the document is read, then every JSON request, response and webhook body has an example that its schema accepts', () => {
    const bodies = documentedBodies().filter((b) => b.path !== SELF);
    assert.ok(bodies.length >= 40, `${bodies.length} bodies`);
    const problems = bodies.flatMap((body) => {
      if (body.example === undefined) return [`${body.where}: no example`];
      const problem = documentProblem(body.pointer, body.example);
      return problem ? [`${body.where}: ${problem}`] : [];
    });
    assert.deepEqual(problems, []);
  });

  it('when a request example is pasted as it is, then the API accepts it', async () => {
    const token = await h.token('ws_acme');
    const requests = documentedBodies().filter(
      (b) => b.kind === 'request' && b.path.startsWith('/api/'),
    );
    assert.ok(requests.length >= 2);
    // A path naming a schedule gets one made from the create example.
    const created = await http()
      .post('/api/v1/analytics/schedules')
      .set('Authorization', `Bearer ${token}`)
      .send(SCHEDULE_REQUEST_EXAMPLE);
    for (const { method, path: template, example, where } of requests) {
      const path = template.replace('{schedule_id}', created.body.schedule_id as string);
      const send =
        method === 'post'
          ? http().post(path)
          : method === 'patch'
            ? http().patch(path)
            : http().put(path);
      const response = await send.set('Authorization', `Bearer ${token}`).send(example as object);
      assert.ok(
        response.status >= 200 && response.status < 300,
        `${where}: ${response.status} ${JSON.stringify(response.body)}`,
      );
    }
  });
});
