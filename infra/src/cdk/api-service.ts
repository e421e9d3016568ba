import type { Stack } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as ecsPatterns from 'aws-cdk-lib/aws-ecs-patterns';
import type { WorkerScaling } from './export-service-stack.ts';
import { OPS_PORTS, type ServiceRuntime } from './service-runtime.ts';
import type { serviceSecrets } from './service-secrets.ts';

/**
 * export-api on Fargate behind a public load balancer, health-checked on its ops port and scaled
 * on CPU.
 */
export function apiService(
  stack: Stack,
  runtime: ServiceRuntime,
  secrets: ReturnType<typeof serviceSecrets>,
  queueEnv: Record<string, string>,
  scaling: WorkerScaling,
) {
  const api = new ecsPatterns.ApplicationLoadBalancedFargateService(stack, 'ExportApi', {
    cluster: runtime.cluster,
    cpu: 512,
    memoryLimitMiB: 1024,
    desiredCount: scaling.minTasks,
    publicLoadBalancer: true,
    circuitBreaker: { rollback: true },
    taskImageOptions: {
      image: runtime.image('export-api'),
      containerPort: 8080,
      logDriver: runtime.logDriver('export-api'),
      environment: {
        ...runtime.environment('export-api'),
        PORT: '8080',
        ...queueEnv,
        REPORT_BUILDER_URL: `http://report-builder.wevion.internal:${OPS_PORTS['report-builder']}`,
      },
      secrets: {
        JWT_SECRET: secrets.jwt,
        ...(secrets.jwtPrevious ? { JWT_SECRET_PREVIOUS: secrets.jwtPrevious } : {}),
        MONGODB_URI: secrets.mongodbUri,
        INTERNAL_TOKEN_SECRET: secrets.internalToken,
        OPS_TOKEN: secrets.opsToken,
      },
    },
  });
  api.targetGroup.configureHealthCheck({
    path: '/healthz',
    port: String(OPS_PORTS['export-api']),
    healthyHttpCodes: '200',
  });
  api.service.connections.allowFrom(
    api.loadBalancer,
    ec2.Port.tcp(OPS_PORTS['export-api']),
    'ALB health checks on the ops port',
  );
  api.taskDefinition.defaultContainer!.addPortMappings({
    containerPort: OPS_PORTS['export-api'],
  });
  api.service
    .autoScaleTaskCount({ minCapacity: scaling.minTasks, maxCapacity: scaling.maxTasks })
    .scaleOnCpuUtilization('Cpu', { targetUtilizationPercent: 60 });
  return api;
}
