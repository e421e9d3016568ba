import type { Stack } from 'aws-cdk-lib';
import type * as ecs from 'aws-cdk-lib/aws-ecs';
import * as ecsPatterns from 'aws-cdk-lib/aws-ecs-patterns';
import type * as sns from 'aws-cdk-lib/aws-sns';
import type { WorkerScaling } from './export-service-stack.ts';
import type { WorkQueue } from './messaging.ts';
import type { ServiceName, ServiceRuntime } from './service-runtime.ts';

/**
 * A worker (report-builder, renderer) as a queue-processing Fargate service that scales on its
 * own queue's depth, may send invalid messages to its dead-letter queue at once and publishes
 * job events.
 */
export function queueWorker(
  stack: Stack,
  runtime: ServiceRuntime,
  options: {
    service: Exclude<ServiceName, 'export-api'>;
    work: WorkQueue;
    topic: sns.ITopic;
    scaling: WorkerScaling;
    environment: Record<string, string>;
    secrets: Record<string, ecs.Secret>;
    size: { cpu: number; memoryLimitMiB: number };
  },
) {
  const { service, work, scaling } = options;
  const processing = new ecsPatterns.QueueProcessingFargateService(stack, service, {
    cluster: runtime.cluster,
    ...options.size,
    image: runtime.image(service),
    queue: work.queue,
    minScalingCapacity: scaling.minTasks,
    maxScalingCapacity: scaling.maxTasks,
    // Tasks per visible message band: 0 → min, 1-49 → +1, 50+ → +3 (and back).
    scalingSteps: [
      { upper: 0, change: -1 },
      { lower: 1, change: +1 },
      { lower: 50, change: +3 },
    ],
    circuitBreaker: { rollback: true },
    logDriver: runtime.logDriver(service),
    environment: { ...runtime.environment(service), ...options.environment },
    secrets: options.secrets,
  });
  // Invalid messages go to the dead-letter queue at once.
  work.dlq.grantSendMessages(processing.taskDefinition.taskRole);
  options.topic.grantPublish(processing.taskDefinition.taskRole);
  return processing;
}
