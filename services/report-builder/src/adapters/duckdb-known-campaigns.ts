import { listValue, type DuckDBConnection } from '@duckdb/node-api';
import { CampaignPairs } from '../domain/campaign-pairs.ts';

/**
 * The table parts join, one per connection (a temporary table is the connection's own): one row
 * of two lists, ids and names, a pair's number its position. Kept in DuckDB, the pairs cross
 * from JavaScript once per connection rather than as two list parameters of every part (about
 * 200 ms of CPU per 90-day CSV). As lists they stay the small side of the join; as a table of
 * rows, DuckDB built its hash table on the part's groups once those were fewer, and a 4× export
 * ran out of its 48 MB.
 */
export const KNOWN_CAMPAIGNS_TABLE = 'known_campaigns';

/**
 * The campaign id and name pairs an export has read so far, numbered in the order they came.
 * Reading a text value out of a DuckDB result costs a native call and a copy when it is longer
 * than 12 bytes, as every id and name is: about a microsecond each, a third of a second for a
 * 90-day file. An export by date reads the same campaigns in every part, so its later parts
 * join their groups to the pairs already read (`syncTo` copies them into each connection's
 * table) and return each pair's number instead.
 */
export class KnownCampaigns {
  private readonly pairs = new CampaignPairs();
  private overflowed = false;
  /** How many pairs each connection's table holds. */
  private readonly copied = new Map<DuckDBConnection, number>();

  /**
   * How many pairs are worth joining. Joining all 8,000 pairs of a 4× export made it a quarter
   * faster, but report-builder's peak 8-20 MB higher: DuckDB, no longer waiting on JavaScript,
   * then had more in flight (docs/benchmarks.md, issue 25's ninth session).
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

  /**
   * Brings `connection`'s table up to the pairs read so far, creating it the first time: only
   * the pairs it lacks cross over. The connection must be idle (no result being read).
   */
  async syncTo(connection: DuckDBConnection): Promise<void> {
    const from = this.copied.get(connection);
    const { size } = this.pairs;
    if (from === size) return;
    const params = {
      ids: listValue(this.pairs.ids.slice(from ?? 0)),
      names: listValue(this.pairs.names.slice(from ?? 0)),
    };
    await connection.run(
      from === undefined
        ? `CREATE TEMP TABLE ${KNOWN_CAMPAIGNS_TABLE} AS
             SELECT $ids::VARCHAR[] AS known_ids, $names::VARCHAR[] AS known_names`
        : `UPDATE ${KNOWN_CAMPAIGNS_TABLE} SET known_ids = list_concat(known_ids, $ids),
             known_names = list_concat(known_names, $names)`,
      params,
    );
    this.copied.set(connection, size);
  }
}
