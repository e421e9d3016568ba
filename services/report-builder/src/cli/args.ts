import { parseArgs, type ParseArgsConfig } from 'node:util';

/** parseArgs with a usage line on error instead of a stack trace. */
export function cliArgs<T extends NonNullable<ParseArgsConfig['options']>>(
  options: T,
  usage: string,
) {
  try {
    return parseArgs({ options, strict: true, allowPositionals: false }).values;
  } catch (error) {
    console.error(`${(error as Error).message}\n\nUsage: ${usage}`);
    process.exit(2);
  }
}

/** Where the demo insights store lives unless INSIGHTS_DUCKDB_PATH says otherwise. */
export function defaultStorePath(): string {
  return (
    process.env.INSIGHTS_DUCKDB_PATH ??
    new URL('../../../../data/insights.duckdb', import.meta.url).pathname
  );
}
