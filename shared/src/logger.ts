import { pino, type Logger } from 'pino';

export type { Logger } from 'pino';

/** JSON logs, one line each, always carrying the service name; add `job_id` with `child`. */
export function createLogger(service: string, level = 'info'): Logger {
  return pino({ level, base: { service }, timestamp: pino.stdTimeFunctions.isoTime });
}
