import assert from 'node:assert/strict';
import { rankingCandidates, type CampaignSpend } from '../../src/domain/campaign-ranking.ts';

const spend = (campaign_id: string, currency: string, positive: number, negative = 0) =>
  ({ platform: 'meta', campaign_id, currency, positive, negative }) satisfies CampaignSpend;

const ids = (candidates: { campaign_id: string }[]) => candidates.map((c) => c.campaign_id).sort();

describe('ranking candidates', () => {
  const dates = ['2026-03-01', '2026-03-02'];
  // USD is worth 0.5 on one day and 1.5 on the other; EUR 1 on both.
  const weights = dates.flatMap((date, i) => [
    { currency: 'EUR', date, weight: 1 },
    { currency: 'USD', date, weight: i === 0 ? 0.5 : 1.5 },
  ]);

  it('when a campaign could outrank the cut-off on its best days, then it is kept; when it cannot, it is dropped', () => {
    const candidates = rankingCandidates(
      [
        spend('eur_big', 'EUR', 100),
        spend('eur_mid', 'EUR', 60),
        // At most 50 × 1.5 = 75, above eur_mid's 60: it may be second.
        spend('usd_swing', 'USD', 50),
        // At most 30 × 1.5 = 45: never above eur_mid.
        spend('usd_small', 'USD', 30),
        spend('eur_small', 'EUR', 10),
      ],
      weights,
      dates,
      2,
    );
    assert.deepEqual(ids(candidates), ['eur_big', 'eur_mid', 'usd_swing']);
  });

  it('when a campaign has refund hours, then its lowest weighted spend counts them at the highest weight', () => {
    // Lowest: 100 × 0.5 − 40 × 1.5 = −10, so eur_mid's 20 is the cut-off for one place and
    // usd_refunds (highest 100 × 1.5 − 40 × 0.5 = 130) stays a candidate beside eur_mid.
    const candidates = rankingCandidates(
      [
        spend('usd_refunds', 'USD', 100, -40),
        spend('eur_mid', 'EUR', 20),
        spend('eur_low', 'EUR', 5),
      ],
      weights,
      dates,
      1,
    );
    assert.deepEqual(ids(candidates), ['eur_mid', 'usd_refunds']);
  });

  it('when a currency lacks a weight on some day, then that day weighs 0 at the low end', () => {
    const partial = weights.filter((w) => !(w.currency === 'USD' && w.date === '2026-03-01'));
    const candidates = rankingCandidates(
      [spend('eur', 'EUR', 10), spend('usd', 'USD', 8), spend('eur_low', 'EUR', 1)],
      partial,
      dates,
      1,
    );
    // usd lies in [0, 12]: it may beat eur's 10, and eur_low (at most 1) cannot.
    assert.deepEqual(ids(candidates), ['eur', 'usd']);
  });

  it('when there are no more campaigns than places, then all of them are candidates', () => {
    assert.equal(rankingCandidates([spend('a', 'EUR', 1)], weights, dates, 3).length, 1);
    assert.deepEqual(rankingCandidates([spend('a', 'EUR', 1)], weights, dates, 0), []);
  });
});
