/**
 * The campaign id and name pairs an export has read so far, numbered in the order they came.
 * Reading a text value out of a DuckDB result costs a native call and a copy when it is longer
 * than 12 bytes, as every id and name is: about a microsecond each, a third of a second for a
 * 90-day file. An export by date reads the same campaigns in every part, so its later parts
 * join their groups to the pairs already read and return each pair's number instead.
 */
export class KnownCampaigns {
  readonly ids: string[] = [];
  readonly names: string[] = [];
  private readonly numbers = new Map<string, Map<string, number>>();
  private overflowed = false;

  /**
   * How many pairs are worth passing to every part's query. The list is converted and joined
   * once per part: the 90-day CSV by date and campaign was faster with its 2,000 pairs, level
   * at 4,000 and slower at 8,000 (13-16 s without against 17-23 s with, and 25 MB more memory).
   */
  constructor(private readonly limit = 3_000) {}

  /**
   * Whether the next part's query should join the pairs: some were read, and no more than the
   * limit. Past it, the rest of the export reads text; numbers already returned stay valid.
   */
  get worthJoining(): boolean {
    return this.ids.length > 0 && !this.overflowed;
  }

  /** Notes a pair read as text; its number is its index in `ids` and `names`. */
  add(id: string, name: string): void {
    if (this.overflowed) return;
    let byName = this.numbers.get(id);
    if (byName?.has(name)) return;
    if (this.ids.length >= this.limit) {
      this.overflowed = true;
      return;
    }
    if (!byName) this.numbers.set(id, (byName = new Map()));
    byName.set(name, this.ids.length);
    this.ids.push(id);
    this.names.push(name);
  }
}
