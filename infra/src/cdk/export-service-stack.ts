import { CfnOutput, Stack, type StackProps } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import type { Construct } from 'constructs';
import { grantServiceAccess } from './access-policies.ts';
import { apiService } from './api-service.ts';
import { exportsBucket } from './exports-bucket.ts';
import { messaging } from './messaging.ts';
import { monitoring } from './monitoring.ts';
import { queueWorker } from './queue-worker.ts';
import { OPS_PORTS, serviceRuntime } from './service-runtime.ts';
import { serviceSecrets } from './service-secrets.ts';

export interface WorkerScaling {
  minTasks: number;
  maxTasks: number;
}

export interface ExportServiceStackProps extends StackProps {
  /** ECR repository holding the three images, tagged `<service>-<imageTag>`. */
  repositoryName: string;
  imageTag: string;
  /** Secrets Manager names of secrets the platform owns (created outside this stack). */
  jwtSecretName: string;
  /** During a JWT_SECRET rotation: the secret being retired (docs/operations.md). */
  jwtPreviousSecretName?: string;
  mongodbUriSecretName: string;
  apiTasks: WorkerScaling;
  reportBuilder: WorkerScaling;
  renderer: WorkerScaling;
  /** Where alarms are sent (an e-mail address subscribed to the alarm topic), optional. */
  alarmEmail?: string;
}

/**
 * The export service on AWS: the queues, topic and bucket of `resources.ts` (the one definition;
 * nothing here repeats a name or a number), export-api on Fargate behind a load balancer, and
 * report-builder and renderer as queue-processing Fargate services that scale on their own
 * queue's depth. One task role per service with only what that service does; secrets from
 * Secrets Manager; alarms and a dashboard with a row per service. Each part builds its
 * resources in the stack's own scope, so logical IDs (and a deployed stack) stay as they were.
 */
export class ExportServiceStack extends Stack {
  constructor(scope: Construct, id: string, props: ExportServiceStackProps) {
    super(scope, id, props);
    const { queue, queues, topic, queueEnv } = messaging(this);
    const exportJobs = queue('export-jobs');
    const renderJobs = queue('render-jobs');
    const { bucket, objects } = exportsBucket(this);
    const secrets = serviceSecrets(this, props);
    const runtime = serviceRuntime(this, props, bucket);

    const api = apiService(this, runtime, secrets, queueEnv, props.apiTasks);
    const workerEnvironment = { ...queueEnv, EXPORT_EVENTS_TOPIC_ARN: topic.topicArn };
    const reportBuilder = queueWorker(this, runtime, {
      service: 'report-builder',
      work: exportJobs,
      topic,
      scaling: props.reportBuilder,
      environment: workerEnvironment,
      secrets: {
        OPS_TOKEN: secrets.opsToken,
        MONGODB_URI: secrets.mongodbUri,
        INTERNAL_TOKEN_SECRET: secrets.internalToken,
      },
      size: { cpu: 1024, memoryLimitMiB: 2048 },
    });
    reportBuilder.service.enableCloudMap({ name: 'report-builder' });
    reportBuilder.service.connections.allowFrom(
      api.service,
      ec2.Port.tcp(OPS_PORTS['report-builder']),
      'export-api calls /internal/summary',
    );
    const renderer = queueWorker(this, runtime, {
      service: 'renderer',
      work: renderJobs,
      topic,
      scaling: props.renderer,
      environment: workerEnvironment,
      secrets: { OPS_TOKEN: secrets.opsToken },
      size: { cpu: 1024, memoryLimitMiB: 2048 },
    });

    grantServiceAccess(
      {
        api: api.taskDefinition.taskRole,
        reportBuilder: reportBuilder.taskDefinition.taskRole,
        renderer: renderer.taskDefinition.taskRole,
      },
      { exportJobs, renderJobs, apiEvents: queue('export-api-events') },
      { bucket, objects },
    );
    const alarmTopic = monitoring(this, {
      alarmEmail: props.alarmEmail,
      queues,
      cluster: runtime.cluster,
      api,
      workers: [
        ['report-builder', reportBuilder, exportJobs],
        ['renderer', renderer, renderJobs],
      ],
      renderer,
    });

    new CfnOutput(this, 'ApiUrl', { value: `http://${api.loadBalancer.loadBalancerDnsName}` });
    new CfnOutput(this, 'ExportsBucket', { value: bucket.bucketName });
    new CfnOutput(this, 'AlarmTopic', { value: alarmTopic.topicArn });
  }
}
