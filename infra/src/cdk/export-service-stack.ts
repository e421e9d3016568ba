import { CfnOutput, Duration, RemovalPolicy, Stack, type StackProps } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as cloudwatchActions from 'aws-cdk-lib/aws-cloudwatch-actions';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as ecr from 'aws-cdk-lib/aws-ecr';
import * as ecs from 'aws-cdk-lib/aws-ecs';
import * as ecsPatterns from 'aws-cdk-lib/aws-ecs-patterns';
import * as events from 'aws-cdk-lib/aws-events';
import * as elbv2 from 'aws-cdk-lib/aws-elasticloadbalancingv2';
import * as eventTargets from 'aws-cdk-lib/aws-events-targets';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as snsSubscriptions from 'aws-cdk-lib/aws-sns-subscriptions';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import type { Construct } from 'constructs';
import {
  BUCKET,
  DEAD_LETTER_RETENTION_SECONDS,
  DEAD_LETTER_SUFFIX,
  KEY_PREFIXES,
  QUEUES,
  SUBSCRIPTIONS,
  TOPIC,
} from '../resources.ts';

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

type ServiceName = 'export-api' | 'report-builder' | 'renderer';
const OPS_PORTS: Record<ServiceName, number> = {
  'export-api': 8083,
  'report-builder': 8081,
  renderer: 8082,
};
/** The SQS actions a consumer needs on its queue (receive, renew, delete, readiness). */
const CONSUME = [
  'sqs:ReceiveMessage',
  'sqs:ChangeMessageVisibility',
  'sqs:DeleteMessage',
  'sqs:GetQueueAttributes',
  'sqs:GetQueueUrl',
];

/**
 * The export service on AWS: the queues, topic and bucket of `resources.ts` (the one definition;
 * nothing here repeats a name or a number), export-api on Fargate behind a load balancer, and
 * report-builder and renderer as queue-processing Fargate services that scale on their own
 * queue's depth. One task role per service with only what that service does; secrets from
 * Secrets Manager; alarms and a dashboard with a row per service.
 */
export class ExportServiceStack extends Stack {
  constructor(scope: Construct, id: string, props: ExportServiceStackProps) {
    super(scope, id, props);

    // ── Queues, topic, bucket: all derived from resources.ts ──────────────────────────────────
    const queues = Object.fromEntries(
      QUEUES.map((definition) => {
        const dlq = new sqs.Queue(this, `${definition.name}${DEAD_LETTER_SUFFIX}`, {
          retentionPeriod: Duration.seconds(DEAD_LETTER_RETENTION_SECONDS),
          encryption: sqs.QueueEncryption.SQS_MANAGED,
          enforceSSL: true,
        });
        const queue = new sqs.Queue(this, definition.name, {
          visibilityTimeout: Duration.seconds(definition.visibilityTimeoutSeconds),
          receiveMessageWaitTime: Duration.seconds(20),
          deadLetterQueue: { queue: dlq, maxReceiveCount: definition.maxReceiveCount },
          encryption: sqs.QueueEncryption.SQS_MANAGED,
          enforceSSL: true,
        });
        return [definition.name, { definition, queue, dlq }];
      }),
    );
    const queue = (name: string) => {
      const found = queues[name];
      if (!found) throw new Error(`resources.ts defines no queue ${name}`);
      return found;
    };
    const exportJobs = queue('export-jobs');
    const renderJobs = queue('render-jobs');
    const apiEvents = queue('export-api-events');

    const topic = new sns.Topic(this, TOPIC.name, { enforceSSL: true });
    for (const subscription of SUBSCRIPTIONS) {
      topic.addSubscription(
        new snsSubscriptions.SqsSubscription(queue(subscription.queue).queue, {
          rawMessageDelivery: true,
        }),
      );
    }

    const bucket = new s3.Bucket(this, BUCKET.name, {
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      encryption: s3.BucketEncryption.S3_MANAGED,
      enforceSSL: true,
      removalPolicy: RemovalPolicy.RETAIN,
      lifecycleRules: [
        {
          id: 'expire-exports',
          prefix: KEY_PREFIXES.exports,
          expiration: Duration.days(BUCKET.exportRetentionDays),
          abortIncompleteMultipartUploadAfter: Duration.days(1),
        },
        {
          id: 'expire-datasets',
          prefix: KEY_PREFIXES.datasets,
          expiration: Duration.days(BUCKET.datasetRetentionDays),
        },
        {
          id: 'expire-cancellations',
          prefix: KEY_PREFIXES.cancellations,
          expiration: Duration.days(BUCKET.cancellationRetentionDays),
        },
      ],
    });
    const objects = (prefix: string) => bucket.arnForObjects(`${prefix}*`);

    // ── Secrets ─────────────────────────────────────────────────────────────────────────────────
    const jwtSecret = secretsmanager.Secret.fromSecretNameV2(
      this,
      'JwtSecret',
      props.jwtSecretName,
    );
    const mongodbUri = secretsmanager.Secret.fromSecretNameV2(
      this,
      'MongodbUri',
      props.mongodbUriSecretName,
    );
    const internalToken = new secretsmanager.Secret(this, 'InternalTokenSecret', {
      description: 'Signs export-api calls to report-builder /internal/summary',
      generateSecretString: { passwordLength: 48, excludePunctuation: true },
    });
    const opsToken = new secretsmanager.Secret(this, 'OpsToken', {
      description: 'Bearer token of every service /metrics',
      generateSecretString: { passwordLength: 32, excludePunctuation: true },
    });
    const secret = (value: secretsmanager.ISecret) => ecs.Secret.fromSecretsManager(value);

    // ── Cluster and images ─────────────────────────────────────────────────────────────────────
    const vpc = new ec2.Vpc(this, 'Vpc', { maxAzs: 2, natGateways: 1 });
    const cluster = new ecs.Cluster(this, 'Cluster', {
      vpc,
      containerInsightsV2: ecs.ContainerInsights.ENABLED,
      defaultCloudMapNamespace: { name: 'wevion.internal' },
    });
    const repository = ecr.Repository.fromRepositoryName(this, 'Images', props.repositoryName);
    const image = (service: ServiceName) =>
      ecs.ContainerImage.fromEcrRepository(repository, `${service}-${props.imageTag}`);
    const logDriver = (service: ServiceName) =>
      ecs.LogDrivers.awsLogs({
        streamPrefix: service,
        logGroup: new logs.LogGroup(this, `${service}-logs`, {
          retention: logs.RetentionDays.ONE_MONTH,
          removalPolicy: RemovalPolicy.DESTROY,
        }),
      });
    const common = (service: ServiceName): Record<string, string> => ({
      NODE_ENV: 'production',
      AWS_REGION: this.region,
      EXPORTS_BUCKET: bucket.bucketName,
      OPS_HOST: '0.0.0.0',
      OPS_PORT: String(OPS_PORTS[service]),
    });
    const queueEnv = Object.fromEntries(
      Object.values(queues).flatMap(({ definition, queue: q, dlq }) => [
        [definition.env, q.queueUrl],
        [definition.env.replace(/_QUEUE_URL$/, '_DLQ_URL'), dlq.queueUrl],
      ]),
    );

    // ── export-api: behind a load balancer ──────────────────────────────────────────────────────
    const api = new ecsPatterns.ApplicationLoadBalancedFargateService(this, 'ExportApi', {
      cluster,
      cpu: 512,
      memoryLimitMiB: 1024,
      desiredCount: props.apiTasks.minTasks,
      publicLoadBalancer: true,
      circuitBreaker: { rollback: true },
      taskImageOptions: {
        image: image('export-api'),
        containerPort: 8080,
        logDriver: logDriver('export-api'),
        environment: {
          ...common('export-api'),
          PORT: '8080',
          ...queueEnv,
          REPORT_BUILDER_URL: `http://report-builder.wevion.internal:${OPS_PORTS['report-builder']}`,
        },
        secrets: {
          JWT_SECRET: secret(jwtSecret),
          ...(props.jwtPreviousSecretName
            ? {
                JWT_SECRET_PREVIOUS: secret(
                  secretsmanager.Secret.fromSecretNameV2(
                    this,
                    'JwtSecretPrevious',
                    props.jwtPreviousSecretName,
                  ),
                ),
              }
            : {}),
          MONGODB_URI: secret(mongodbUri),
          INTERNAL_TOKEN_SECRET: secret(internalToken),
          OPS_TOKEN: secret(opsToken),
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
    const apiScaling = api.service.autoScaleTaskCount({
      minCapacity: props.apiTasks.minTasks,
      maxCapacity: props.apiTasks.maxTasks,
    });
    apiScaling.scaleOnCpuUtilization('Cpu', { targetUtilizationPercent: 60 });

    // ── Workers: scale on their own queue's depth ───────────────────────────────────────────────
    const worker = (
      service: Exclude<ServiceName, 'export-api'>,
      work: (typeof queues)[string],
      scaling: WorkerScaling,
      extra: { environment: Record<string, string>; secrets: Record<string, ecs.Secret> },
      size: { cpu: number; memoryLimitMiB: number },
    ) => {
      const processing = new ecsPatterns.QueueProcessingFargateService(this, service, {
        cluster,
        ...size,
        image: image(service),
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
        logDriver: logDriver(service),
        environment: { ...common(service), ...queueEnv, ...extra.environment },
        secrets: { OPS_TOKEN: secret(opsToken), ...extra.secrets },
      });
      // Invalid messages go to the dead-letter queue at once.
      work.dlq.grantSendMessages(processing.taskDefinition.taskRole);
      topic.grantPublish(processing.taskDefinition.taskRole);
      return processing;
    };
    const reportBuilder = worker(
      'report-builder',
      exportJobs,
      props.reportBuilder,
      {
        environment: { EXPORT_EVENTS_TOPIC_ARN: topic.topicArn },
        secrets: { MONGODB_URI: secret(mongodbUri), INTERNAL_TOKEN_SECRET: secret(internalToken) },
      },
      { cpu: 1024, memoryLimitMiB: 2048 },
    );
    reportBuilder.service.enableCloudMap({ name: 'report-builder' });
    reportBuilder.service.connections.allowFrom(
      api.service,
      ec2.Port.tcp(OPS_PORTS['report-builder']),
      'export-api calls /internal/summary',
    );
    const renderer = worker(
      'renderer',
      renderJobs,
      props.renderer,
      { environment: { EXPORT_EVENTS_TOPIC_ARN: topic.topicArn }, secrets: {} },
      { cpu: 1024, memoryLimitMiB: 2048 },
    );

    // ── Least privilege: what each service does, and nothing else ───────────────────────────────
    const allow = (role: iam.IRole, actions: string[], resources: string[]) =>
      role.addToPrincipalPolicy(new iam.PolicyStatement({ actions, resources }));
    const headBucket = ['s3:ListBucket'];

    const apiRole = api.taskDefinition.taskRole;
    allow(apiRole, ['sqs:SendMessage', 'sqs:GetQueueAttributes'], [exportJobs.queue.queueArn]);
    allow(apiRole, CONSUME, [
      apiEvents.queue.queueArn,
      exportJobs.dlq.queueArn,
      renderJobs.dlq.queueArn,
      apiEvents.dlq.queueArn,
    ]);
    allow(apiRole, ['sqs:SendMessage'], [apiEvents.dlq.queueArn]);
    // Signs GETs of finished files and logos; deletes duplicate renders.
    allow(
      apiRole,
      ['s3:GetObject'],
      [objects(KEY_PREFIXES.exports), objects(KEY_PREFIXES.branding)],
    );
    // Stores logos, and the cancel markers the workers look for.
    allow(
      apiRole,
      ['s3:PutObject'],
      [objects(KEY_PREFIXES.branding), objects(KEY_PREFIXES.cancellations)],
    );
    allow(apiRole, ['s3:DeleteObject'], [objects(KEY_PREFIXES.exports)]);
    allow(apiRole, headBucket, [bucket.bucketArn]);

    const builderRole = reportBuilder.taskDefinition.taskRole;
    allow(builderRole, ['sqs:SendMessage'], [renderJobs.queue.queueArn]);
    allow(builderRole, ['s3:PutObject'], [objects(KEY_PREFIXES.datasets)]);
    // A HEAD of a cancel marker needs s3:GetObject (and ListBucket to see a 404, not a 403).
    allow(builderRole, ['s3:GetObject'], [objects(KEY_PREFIXES.cancellations)]);
    allow(builderRole, headBucket, [bucket.bucketArn]);

    const rendererRole = renderer.taskDefinition.taskRole;
    allow(
      rendererRole,
      ['s3:GetObject'],
      [
        objects(KEY_PREFIXES.datasets),
        objects(KEY_PREFIXES.branding),
        objects(KEY_PREFIXES.cancellations),
      ],
    );
    allow(
      rendererRole,
      ['s3:PutObject', 's3:AbortMultipartUpload'],
      [objects(KEY_PREFIXES.exports)],
    );
    allow(rendererRole, headBucket, [bucket.bucketArn]);

    // ── Alarms and dashboard ────────────────────────────────────────────────────────────────────
    const alarmTopic = new sns.Topic(this, 'Alarms', { enforceSSL: true });
    if (props.alarmEmail) {
      alarmTopic.addSubscription(new snsSubscriptions.EmailSubscription(props.alarmEmail));
    }
    const notify = (alarm: cloudwatch.Alarm) =>
      alarm.addAlarmAction(new cloudwatchActions.SnsAction(alarmTopic));

    for (const { definition, queue: q, dlq } of Object.values(queues)) {
      // export-api drains every DLQ at once (it fails the jobs), so count arrivals, not depth.
      notify(
        dlq
          .metricNumberOfMessagesReceived({ period: Duration.minutes(5) })
          .createAlarm(this, `${definition.name}-dead-letters`, {
            alarmDescription: `Messages reached ${definition.name}${DEAD_LETTER_SUFFIX}: their jobs ended FAILED. See docs/operations.md, "Alarms".`,
            threshold: 1,
            evaluationPeriods: 1,
            comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
            treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
          }),
      );
      notify(
        q
          .metricApproximateAgeOfOldestMessage({ period: Duration.minutes(1) })
          .createAlarm(this, `${definition.name}-oldest-message`, {
            alarmDescription: `The oldest message in ${definition.name} waits too long: workers are down, too few or stuck. See docs/operations.md.`,
            threshold: Math.max(300, definition.visibilityTimeoutSeconds * 10),
            evaluationPeriods: 5,
            comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
            treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
          }),
      );
    }

    const lb = api.loadBalancer.metrics;
    const serverErrorRate = new cloudwatch.MathExpression({
      label: 'export-api 5xx %',
      expression: '100 * errors / MAX([requests, 1])',
      usingMetrics: {
        errors: lb.httpCodeTarget(elbv2.HttpCodeTarget.TARGET_5XX_COUNT, { statistic: 'Sum' }),
        requests: lb.requestCount({ statistic: 'Sum' }),
      },
      period: Duration.minutes(5),
    });
    notify(
      serverErrorRate.createAlarm(this, 'export-api-5xx', {
        alarmDescription: 'More than 2 % of export-api answers are 5xx. See docs/operations.md.',
        threshold: 2,
        evaluationPeriods: 2,
        treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
      }),
    );

    // Renderer restarts: every stopped renderer task is an event; a crash loop shows as a count.
    const stoppedTasks = new logs.LogGroup(this, 'renderer-stopped-tasks', {
      retention: logs.RetentionDays.ONE_MONTH,
      removalPolicy: RemovalPolicy.DESTROY,
    });
    new events.Rule(this, 'RendererTaskStopped', {
      eventPattern: {
        source: ['aws.ecs'],
        detailType: ['ECS Task State Change'],
        detail: {
          lastStatus: ['STOPPED'],
          clusterArn: [cluster.clusterArn],
          group: [`service:${renderer.service.serviceName}`],
        },
      },
      targets: [new eventTargets.CloudWatchLogGroup(stoppedTasks)],
    });
    const restarts = new logs.MetricFilter(this, 'RendererRestarts', {
      logGroup: stoppedTasks,
      filterPattern: logs.FilterPattern.allEvents(),
      metricNamespace: 'Wevion/Export',
      metricName: 'RendererTaskStops',
      metricValue: '1',
    }).metric({ statistic: 'Sum', period: Duration.minutes(15) });
    notify(
      restarts.createAlarm(this, 'renderer-restarts', {
        alarmDescription:
          'Renderer tasks keep stopping (3+ in 15 minutes): crash loop, OOM or Chromium failing. See docs/operations.md.',
        threshold: 3,
        evaluationPeriods: 1,
        comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
        treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
      }),
    );

    const dashboard = new cloudwatch.Dashboard(this, 'Dashboard', {
      dashboardName: `${this.stackName}-export`,
    });
    const graph = (title: string, metrics: cloudwatch.IMetric[]) =>
      new cloudwatch.GraphWidget({ title, left: metrics, width: 8 });
    dashboard.addWidgets(
      graph('export-api requests', [lb.requestCount({ statistic: 'Sum' })]),
      graph('export-api 5xx %', [serverErrorRate]),
      graph('export-api latency p95', [lb.targetResponseTime({ statistic: 'p95' })]),
    );
    for (const [name, service, work] of [
      ['report-builder', reportBuilder, exportJobs],
      ['renderer', renderer, renderJobs],
    ] as const) {
      dashboard.addWidgets(
        graph(`${name} queue depth`, [work.queue.metricApproximateNumberOfMessagesVisible()]),
        graph(`${name} oldest message (s)`, [work.queue.metricApproximateAgeOfOldestMessage()]),
        graph(`${name} CPU and memory %`, [
          service.service.metricCpuUtilization(),
          service.service.metricMemoryUtilization(),
        ]),
      );
    }

    new CfnOutput(this, 'ApiUrl', { value: `http://${api.loadBalancer.loadBalancerDnsName}` });
    new CfnOutput(this, 'ExportsBucket', { value: bucket.bucketName });
    new CfnOutput(this, 'AlarmTopic', { value: alarmTopic.topicArn });
  }
}
