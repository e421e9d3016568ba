import type { Metrics } from './report-dataset.ts';

/**
 * The ratio metrics and their one arithmetic. Report-builder computes them for a PDF's dataset;
 * a CSV's claim check carries the sums instead and the renderer derives them here, from the same
 * doubles by the same operations, so both give the same value to the last bit.
 */
export const RATIO_NAMES = ['ctr', 'cpc', 'cpm', 'roas', 'cpa'] as const;
export type RatioName = (typeof RATIO_NAMES)[number];

/** The sums a ratio divides, as doubles: counts, and money unrounded in the target currency. */
export type RatioInputs = Pick<
  Metrics,
  'spend' | 'impressions' | 'clicks' | 'conversions' | 'conversion_value'
>;

export interface RatioDefinition {
  numerator: keyof RatioInputs;
  denominator: keyof RatioInputs;
  /** 1000 for a cost per thousand; multiplying by 1 leaves a double as it is. */
  scale: number;
}

export const RATIOS: Readonly<Record<RatioName, RatioDefinition>> = {
  ctr: { numerator: 'clicks', denominator: 'impressions', scale: 1 },
  cpc: { numerator: 'spend', denominator: 'clicks', scale: 1 },
  cpm: { numerator: 'spend', denominator: 'impressions', scale: 1000 },
  roas: { numerator: 'conversion_value', denominator: 'spend', scale: 1 },
  cpa: { numerator: 'spend', denominator: 'conversions', scale: 1 },
};

export const isRatio = (name: string): name is RatioName => Object.hasOwn(RATIOS, name);

/** `scale · numerator / denominator`; `null` on a zero denominator. */
export function ratioOf(
  { scale }: RatioDefinition,
  numerator: number,
  denominator: number,
): number | null {
  return denominator === 0 ? null : (scale * numerator) / denominator;
}

/** Every ratio of one set of sums. */
export function ratiosOf(sums: RatioInputs): Pick<Metrics, RatioName> {
  const of = (name: RatioName) => {
    const definition = RATIOS[name];
    return ratioOf(definition, sums[definition.numerator], sums[definition.denominator]);
  };
  return { ctr: of('ctr'), cpc: of('cpc'), cpm: of('cpm'), roas: of('roas'), cpa: of('cpa') };
}
