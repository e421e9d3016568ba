import { Counter, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

/** One Prometheus registry per service with the metrics every service reports. */
export function createMetrics(service: string) {
  const registry = new Registry();
  registry.setDefaultLabels({ service });
  collectDefaultMetrics({ register: registry });
  return {
    registry,
    queueLag: new Histogram({
      name: 'wevion_queue_lag_seconds',
      help: 'Time from a message being sent to it being received',
      labelNames: ['queue'],
      buckets: [0.05, 0.1, 0.5, 1, 5, 15, 60, 300, 900],
      registers: [registry],
    }),
    stageDuration: new Histogram({
      name: 'wevion_stage_duration_seconds',
      help: 'Duration of each stage of an export job',
      labelNames: ['stage'],
      buckets: [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 180],
      registers: [registry],
    }),
    messages: new Counter({
      name: 'wevion_messages_total',
      help: 'Messages handled, by queue and outcome',
      labelNames: ['queue', 'outcome'],
      registers: [registry],
    }),
  };
}

export type ServiceMetrics = ReturnType<typeof createMetrics>;
