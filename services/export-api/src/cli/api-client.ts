import { existsSync, readFileSync } from 'node:fs';
import { parseArgs, type ParseArgsConfig } from 'node:util';

/** The options of an export body both tools take, as people type them (any case). */
export const EXPORT_OPTIONS = {
  platforms: { type: 'string' },
  format: { type: 'string', default: 'CSV' },
  currency: { type: 'string' },
  timezone: { type: 'string' },
  dimensions: { type: 'string' },
  granularity: { type: 'string' },
  metrics: { type: 'string' },
  'include-currency': { type: 'boolean', default: false },
  bom: { type: 'boolean', default: false },
} as const;

/** Where the running API is, and with whose token. */
export const CONNECTION_OPTIONS = {
  workspace: { type: 'string', default: 'ws_acme' },
  api: { type: 'string' },
  token: { type: 'string' },
  help: { type: 'boolean', short: 'h', default: false },
} as const;

/** "a, b,c" → ["a", "b", "c"]. */
export const list = (value: string) => value.split(',').map((item) => item.trim());

/**
 * The export fields of those options as the API takes them: literals uppercased (the contract),
 * platforms lowercased, the layout only where given. Dates and the zone are each tool's own.
 */
export function exportFieldsOf(args: {
  platforms?: string;
  format: string;
  currency?: string;
  dimensions?: string;
  granularity?: string;
  metrics?: string;
  'include-currency': boolean;
  bom: boolean;
}) {
  return {
    platforms: args.platforms === undefined ? undefined : list(args.platforms.toLowerCase()),
    format: args.format.toUpperCase(),
    target_currency: args.currency?.toUpperCase(),
    ...(args.dimensions ? { dimensions: list(args.dimensions) } : {}),
    ...(args.granularity ? { granularity: args.granularity } : {}),
    ...(args.metrics ? { metrics: list(args.metrics) } : {}),
    ...(args['include-currency'] ? { include_currency: true } : {}),
    ...(args.bom ? { csv_bom: true } : {}),
  };
}

/** The tool's options; a bad one is one line on stderr and exit code 1, before anything runs. */
export function parseCommandLine<T extends ParseArgsConfig>(tool: string, config: T) {
  try {
    return parseArgs(config);
  } catch (error) {
    console.error(`${tool}: ${(error as Error).message}. Run with --help for the options.`);
    process.exit(1);
  }
}

/**
 * What the command-line tools share: the running API's URL and a token (from data/local.json,
 * written by npm start, unless --api/--token or WEVION_TOKEN say otherwise), and requests whose
 * every failure is one readable line on stderr and exit code 1.
 */
export function apiClient(
  tool: string,
  options: { api?: string; token?: string; workspace: string },
) {
  const fail = (message: string): never => {
    console.error(`${tool}: ${message}`);
    process.exit(1);
  };
  // Anything unforeseen is still one line, not a stack trace.
  process.on('uncaughtException', (error) => fail(error.message));
  process.on('unhandledRejection', (reason) => fail(String(reason)));

  const localFile =
    process.env.WEVION_LOCAL ?? new URL('../../../../data/local.json', import.meta.url).pathname;
  const local = existsSync(localFile) ? JSON.parse(readFileSync(localFile, 'utf8')) : null;
  const api: string | undefined = options.api ?? local?.api_url;
  const known = Object.keys(local?.tokens ?? {});
  if (!options.token && !process.env.WEVION_TOKEN && local && !known.includes(options.workspace))
    fail(`unknown workspace "${options.workspace}"; the running system knows ${known.join(', ')}.`);
  const token: string | undefined =
    options.token ?? process.env.WEVION_TOKEN ?? local?.tokens?.[options.workspace];
  if (!api || !token)
    return fail(
      'no API URL or token: start the system with "npm start", or pass --api and --token.',
    );
  const headers = { authorization: `Bearer ${token}`, 'content-type': 'application/json' };

  /** fetch, with a network failure told as one line that names the URL. */
  async function request(url: string, init?: RequestInit): Promise<Response> {
    try {
      return await fetch(url, init);
    } catch (error) {
      const cause = (error as { cause?: { code?: string; message?: string } }).cause;
      return fail(
        `cannot reach ${new URL(url).origin} (${cause?.code ?? cause?.message ?? (error as Error).message}). Is "npm start" running?`,
      );
    }
  }

  /** A JSON answer, or one line saying what came back instead. */
  async function json<T>(response: Response): Promise<T> {
    const text = await response.text();
    try {
      return JSON.parse(text) as T;
    } catch {
      return fail(
        `the API answered ${response.status} with something other than JSON: ${text.slice(0, 80)}`,
      );
    }
  }

  /** An error answer on one line: every invalid field at once, as the API lists them. */
  const problems = (answer: { error?: ApiError }) =>
    answer.error?.details?.length
      ? answer.error.details.map((d) => `${d.field}: ${d.message}`).join('; ')
      : `${answer.error?.field ? `${answer.error.field}: ` : ''}${answer.error?.message}`;

  return { api, headers, fail, request, json, problems };
}

/** Declared with its type where it is used, so the compiler knows nothing runs after it. */
export type Fail = (message: string) => never;

export interface ApiError {
  code?: string;
  message: string;
  field?: string;
  details?: { field: string; message: string }[];
}
