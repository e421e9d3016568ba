import { RemovalPolicy, type Stack } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as ecr from 'aws-cdk-lib/aws-ecr';
import * as ecs from 'aws-cdk-lib/aws-ecs';
import * as logs from 'aws-cdk-lib/aws-logs';
import type * as s3 from 'aws-cdk-lib/aws-s3';

export type ServiceName = 'export-api' | 'report-builder' | 'renderer';

/** Each service's ops port (health, readiness, metrics; report-builder's internal summary). */
export const OPS_PORTS: Record<ServiceName, number> = {
  'export-api': 8083,
  'report-builder': 8081,
  renderer: 8082,
};

/**
 * What every service runs on: the VPC and cluster (with the `wevion.internal` namespace), its
 * image from the one repository, a log group per service, and the environment all share.
 */
export function serviceRuntime(
  stack: Stack,
  props: { repositoryName: string; imageTag: string },
  bucket: s3.IBucket,
) {
  const vpc = new ec2.Vpc(stack, 'Vpc', { maxAzs: 2, natGateways: 1 });
  const cluster = new ecs.Cluster(stack, 'Cluster', {
    vpc,
    containerInsightsV2: ecs.ContainerInsights.ENABLED,
    defaultCloudMapNamespace: { name: 'wevion.internal' },
  });
  const repository = ecr.Repository.fromRepositoryName(stack, 'Images', props.repositoryName);
  return {
    cluster,
    image: (service: ServiceName) =>
      ecs.ContainerImage.fromEcrRepository(repository, `${service}-${props.imageTag}`),
    logDriver: (service: ServiceName) =>
      ecs.LogDrivers.awsLogs({
        streamPrefix: service,
        logGroup: new logs.LogGroup(stack, `${service}-logs`, {
          retention: logs.RetentionDays.ONE_MONTH,
          removalPolicy: RemovalPolicy.DESTROY,
        }),
      }),
    environment: (service: ServiceName): Record<string, string> => ({
      NODE_ENV: 'production',
      AWS_REGION: stack.region,
      EXPORTS_BUCKET: bucket.bucketName,
      OPS_HOST: '0.0.0.0',
      OPS_PORT: String(OPS_PORTS[service]),
    }),
  };
}

export type ServiceRuntime = ReturnType<typeof serviceRuntime>;
