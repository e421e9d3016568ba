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

  /** A bound on what is passed to each query: past it, further pairs come as text. */
  constructor(private readonly limit = 20_000) {}

  /** Notes a pair read as text; its number is its index in `ids` and `names`. */
  add(id: string, name: string): void {
    if (this.ids.length >= this.limit) return;
    let byName = this.numbers.get(id);
    if (!byName) this.numbers.set(id, (byName = new Map()));
    if (byName.has(name)) return;
    byName.set(name, this.ids.length);
    this.ids.push(id);
    this.names.push(name);
  }

  get size(): number {
    return this.ids.length;
  }
}
