import { CampaignPairs } from '../domain/campaign-pairs.ts';

/**
 * The campaign id and name pairs an export has read so far, numbered in the order they came.
 * Reading a text value out of a DuckDB result costs a native call and a copy when it is longer
 * than 12 bytes, as every id and name is: about a microsecond each, a third of a second for a
 * 90-day file. An export by date reads the same campaigns in every part, so its later parts
 * join their groups to the pairs already read and return each pair's number instead.
 */
export class KnownCampaigns {
  private readonly pairs = new CampaignPairs();
  private overflowed = false;

  /**
   * How many pairs are worth passing to every part's query. The list is converted and joined
   * once per part: the 90-day CSV by date and campaign was faster with its 2,000 pairs, level
   * at 4,000 and slower at 8,000 (13-16 s without against 17-23 s with, and 25 MB more memory).
   */
  constructor(private readonly limit = 3_000) {}

  /** The pairs read so far; a pair's number is its index in both. */
  get ids(): readonly string[] {
    return this.pairs.ids;
  }

  get names(): readonly string[] {
    return this.pairs.names;
  }

  /**
   * Whether the next part's query should join the pairs: some were read, and no more than the
   * limit. Past it, the rest of the export reads text; numbers already returned stay valid.
   */
  get worthJoining(): boolean {
    return this.pairs.size > 0 && !this.overflowed;
  }

  /** Notes a pair read as text. */
  add(id: string, name: string): void {
    if (this.overflowed || this.pairs.numberOf(id, name) !== undefined) return;
    if (this.pairs.size >= this.limit) this.overflowed = true;
    else this.pairs.add(id, name);
  }
}
