export * from './calendar-date.ts';
export * from './currencies.ts';
export * from './errors.ts';
export * from './platforms.ts';
export * from './report-dataset.ts';
export * from './report-query.ts';
