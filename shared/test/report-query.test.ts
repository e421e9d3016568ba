import assert from 'node:assert/strict';
import { addDays, eachDate, parseReportQuery, PLATFORMS, ValidationError } from '../src/index.ts';

const context = { currencies: ['EUR', 'USD', 'JPY'] };
const valid = {
  workspace_id: 'ws_acme',
  since: '2026-08-01',
  until: '2026-10-29',
  platforms: ['meta', 'google'],
  target_currency: 'EUR',
  timezone: 'Europe/Berlin',
};

function rejection(patch: Record<string, unknown>): ValidationError {
  try {
    parseReportQuery({ ...valid, ...patch }, context);
  } catch (error) {
    assert.ok(error instanceof ValidationError, `expected a ValidationError, got ${String(error)}`);
    assert.equal(error.status, 400);
    return error;
  }
  assert.fail(`expected ${JSON.stringify(patch)} to be rejected`);
}

describe('report query validation', () => {
  it('when a query is valid, then defaults are filled in', () => {
    const query = parseReportQuery({ ...valid, timezone: undefined }, context);
    assert.equal(query.timezone, 'UTC');
    assert.equal(query.compare_previous, true);
    assert.equal(query.top_n, 10);
  });

  it('when the range spans exactly 90 days, then it is accepted; 91 days is rejected on "until"', () => {
    assert.equal(
      parseReportQuery({ ...valid, since: '2026-08-01', until: '2026-10-29' }, context).until,
      '2026-10-29',
    );
    const error = rejection({ since: '2026-08-01', until: '2026-10-30' });
    assert.equal(error.code, 'date_range_too_long');
    assert.equal(error.field, 'until');
    assert.match(error.message, /91 days; the maximum is 90/);
  });

  it('when since and until are the same day, then the one-day range is accepted', () => {
    assert.equal(
      parseReportQuery({ ...valid, since: '2026-08-01', until: '2026-08-01' }, context).since,
      '2026-08-01',
    );
  });

  it('when since is after until, then the error names "until"', () => {
    const error = rejection({ since: '2026-08-02', until: '2026-08-01' });
    assert.equal(error.code, 'invalid_date_range');
    assert.equal(error.field, 'until');
  });

  for (const [date, why] of [
    ['2026-02-30', 'a date that does not exist'],
    ['2026-8-1', 'a date without zero padding'],
    ['01/08/2026', 'a date in another layout'],
  ]) {
    it(`when since is ${why}, then the error names "since"`, () => {
      const error = rejection({ since: date });
      assert.equal(error.field, 'since');
      assert.match(error.message, /real calendar date written YYYY-MM-DD/);
    });
  }

  it('when a date is missing, then the error names it', () => {
    assert.equal(rejection({ until: undefined }).field, 'until');
  });

  it('when platforms is empty, repeats a code, has more than 8 or an unknown code, then it is rejected', () => {
    assert.match(rejection({ platforms: [] }).message, /at least 1/);
    assert.match(rejection({ platforms: ['meta', 'meta'] }).message, /must not repeat/);
    const nine = PLATFORMS.slice(0, 9);
    assert.match(rejection({ platforms: nine }).message, /at most 8/);
    const unknown = rejection({ platforms: ['meta', 'myspace'] });
    assert.equal(unknown.field, 'platforms.1');
    assert.match(unknown.message, /must be one of meta, google/);
  });

  it('when the currency is lowercase, not 3 letters or has no FX rates, then "target_currency" is named', () => {
    assert.match(rejection({ target_currency: 'eur' }).message, /3-letter uppercase/);
    assert.match(rejection({ target_currency: 'EURO' }).message, /3-letter uppercase/);
    const unsupported = rejection({ target_currency: 'CHF' });
    assert.equal(unsupported.field, 'target_currency');
    assert.match(unsupported.message, /supported currency: EUR, JPY, USD/);
  });

  it('when the time zone is not an IANA name, then "timezone" is named', () => {
    const error = rejection({ timezone: 'Mars/Olympus' });
    assert.equal(error.field, 'timezone');
    assert.match(error.message, /IANA time zone/);
  });

  it('when an unknown field is sent, then it is rejected by name', () => {
    const error = rejection({ mode: 'cross_channel' });
    assert.equal(error.code, 'unknown_field');
    assert.equal(error.field, 'mode');
  });

  it('when a value has the wrong type, then it is not coerced', () => {
    assert.equal(rejection({ compare_previous: 'yes' }).field, 'compare_previous');
    assert.equal(rejection({ platforms: 'meta' }).field, 'platforms');
  });

  it('when a date lies outside 2000-01-01..2099-12-31, then it is refused by name, at once', () => {
    for (const [input, field] of [
      [{ since: '9999-12-31', until: '9999-12-31' }, 'since'],
      [{ until: '2100-01-01' }, 'until'],
      [{ since: '1999-12-31' }, 'since'],
    ] as const) {
      const error = rejection(input);
      assert.equal(error.field, field);
      assert.match(error.message, /between 2000-01-01 and 2099-12-31/);
    }
    assert.equal(
      parseReportQuery({ ...valid, since: '2099-12-31', until: '2099-12-31' }, context).since,
      '2099-12-31',
    );
  });
});

describe('calendar dates', () => {
  it('when a sum leaves the years 0001-9999, then addDays throws instead of writing "+010000"', () => {
    assert.equal(addDays('9999-12-30', 1), '9999-12-31');
    assert.throws(() => addDays('9999-12-31', 1), RangeError);
  });

  it('when dates are listed, then the work is the length of the range, both ends included', () => {
    assert.deepEqual(eachDate('2026-02-27', '2026-03-02'), [
      '2026-02-27',
      '2026-02-28',
      '2026-03-01',
      '2026-03-02',
    ]);
    assert.deepEqual(eachDate('2026-03-02', '2026-03-01'), []);
    assert.deepEqual(eachDate('9999-12-31', '9999-12-31'), ['9999-12-31'], 'no endless loop');
  });
});
