/** The three services, by their folder under `services/`. */
export const SERVICES = ['export-api', 'report-builder', 'renderer'] as const;
export type ServiceName = (typeof SERVICES)[number];
