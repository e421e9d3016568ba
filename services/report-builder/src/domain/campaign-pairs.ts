/**
 * Campaign id and name pairs numbered from 0 in the order first seen: a campaign renamed within
 * a report is a second pair. An export numbers them twice over: the DuckDB store to join the
 * pairs it has read (`KnownCampaigns`), the claim check to name each pair once (`exportRows`).
 */
export class CampaignPairs {
  readonly ids: string[] = [];
  readonly names: string[] = [];
  private readonly numbers = new Map<string, Map<string, number>>();

  get size(): number {
    return this.ids.length;
  }

  /** The pair's number, or `undefined` when it has not been added. */
  numberOf(id: string, name: string): number | undefined {
    return this.numbers.get(id)?.get(name);
  }

  /** The pair's number, the next one when it is new. */
  add(id: string, name: string): number {
    let byName = this.numbers.get(id);
    if (!byName) this.numbers.set(id, (byName = new Map()));
    let number = byName.get(name);
    if (number === undefined) {
      number = this.ids.length;
      byName.set(name, number);
      this.ids.push(id);
      this.names.push(name);
    }
    return number;
  }
}
