import assert from 'node:assert/strict';
import { AppError, errorResponse, ValidationError } from '../src/index.ts';

describe('error answers (one renderer for every HTTP surface)', () => {
  it('when an exposed AppError carries extra fields, then they sit beside `error`', () => {
    const gate = new AppError('subscription_required', 'Check your plan.', {
      status: 403,
      extra: { reason: 'subscription_required' },
    });
    assert.deepEqual(errorResponse(gate), {
      status: 403,
      unexpected: false,
      body: {
        reason: 'subscription_required',
        error: { code: 'subscription_required', message: 'Check your plan.' },
      },
    });
  });

  it('when a validation error names fields, then field and every detail are answered', () => {
    const invalid = ValidationError.of([
      { field: 'since', code: 'invalid_field', message: '"since" is required' },
      { field: 'format', code: 'invalid_field', message: '"format" must be CSV or PDF' },
    ]);
    const { status, body } = errorResponse(invalid);
    assert.equal(status, 400);
    assert.equal(body.error.field, 'since');
    assert.equal((body.error.details as unknown[]).length, 2);
  });

  it('when a body parser refuses a body, then 413 body_too_large names the limit; broken JSON is invalid_json', () => {
    const tooLarge = Object.assign(new Error('request entity too large'), {
      status: 413,
      type: 'entity.too.large',
    });
    const large = errorResponse(tooLarge, { jsonLimit: '64kb' });
    assert.equal(large.status, 413);
    assert.equal(large.body.error.code, 'body_too_large');
    assert.match(large.body.error.message, /64kb of JSON/);
    const broken = Object.assign(new Error('Unexpected token'), {
      status: 400,
      type: 'entity.parse.failed',
    });
    assert.equal(errorResponse(broken).body.error.code, 'invalid_json');
  });

  it('when the error is unexpected or internal, then 500 without its message, flagged for the log', () => {
    for (const error of [
      new Error('ECONNRESET to 10.0.0.7'),
      new AppError('handler_timeout', 'internal detail', { status: 504, expose: false }),
      new AppError('job_cancelled', 'job 42 was cancelled', { status: 409, expose: false }),
    ]) {
      const answer = errorResponse(error, {
        internalMessage: 'The summary could not be computed.',
      });
      assert.equal(answer.status, 500);
      assert.equal(answer.unexpected, true);
      assert.deepEqual(answer.body.error, {
        code: 'internal_error',
        message: 'The summary could not be computed.',
      });
    }
  });
});
