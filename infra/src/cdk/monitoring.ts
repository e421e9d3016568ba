import { Duration, RemovalPolicy, type Stack } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as cloudwatchActions from 'aws-cdk-lib/aws-cloudwatch-actions';
import type * as ecs from 'aws-cdk-lib/aws-ecs';
import type * as ecsPatterns from 'aws-cdk-lib/aws-ecs-patterns';
import * as elbv2 from 'aws-cdk-lib/aws-elasticloadbalancingv2';
import * as events from 'aws-cdk-lib/aws-events';
import * as eventTargets from 'aws-cdk-lib/aws-events-targets';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as snsSubscriptions from 'aws-cdk-lib/aws-sns-subscriptions';
import { DEAD_LETTER_SUFFIX } from '../resources.ts';
import type { WorkQueue } from './messaging.ts';

/**
 * Alarms (dead letters, message age, export-api 5xx, renderer restarts) to one topic, and a
 * dashboard with a row per service. Resolves with the alarm topic.
 */
export function monitoring(
  stack: Stack,
  options: {
    alarmEmail: string | undefined;
    queues: readonly WorkQueue[];
    cluster: ecs.ICluster;
    api: ecsPatterns.ApplicationLoadBalancedFargateService;
    workers: readonly [
      name: string,
      service: ecsPatterns.QueueProcessingFargateService,
      work: WorkQueue,
    ][];
    renderer: ecsPatterns.QueueProcessingFargateService;
  },
): sns.Topic {
  const { api, cluster, renderer } = options;
  const alarmTopic = new sns.Topic(stack, 'Alarms', { enforceSSL: true });
  if (options.alarmEmail) {
    alarmTopic.addSubscription(new snsSubscriptions.EmailSubscription(options.alarmEmail));
  }
  const notify = (alarm: cloudwatch.Alarm) =>
    alarm.addAlarmAction(new cloudwatchActions.SnsAction(alarmTopic));

  for (const { definition, queue: q, dlq } of options.queues) {
    // export-api drains every DLQ at once (it fails the jobs), so count arrivals, not depth.
    notify(
      dlq
        .metricNumberOfMessagesReceived({ period: Duration.minutes(5) })
        .createAlarm(stack, `${definition.name}-dead-letters`, {
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
        .createAlarm(stack, `${definition.name}-oldest-message`, {
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
    serverErrorRate.createAlarm(stack, 'export-api-5xx', {
      alarmDescription: 'More than 2 % of export-api answers are 5xx. See docs/operations.md.',
      threshold: 2,
      evaluationPeriods: 2,
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
    }),
  );

  // Renderer restarts: every stopped renderer task is an event; a crash loop shows as a count.
  const stoppedTasks = new logs.LogGroup(stack, 'renderer-stopped-tasks', {
    retention: logs.RetentionDays.ONE_MONTH,
    removalPolicy: RemovalPolicy.DESTROY,
  });
  new events.Rule(stack, 'RendererTaskStopped', {
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
  const restarts = new logs.MetricFilter(stack, 'RendererRestarts', {
    logGroup: stoppedTasks,
    filterPattern: logs.FilterPattern.allEvents(),
    metricNamespace: 'Wevion/Export',
    metricName: 'RendererTaskStops',
    metricValue: '1',
  }).metric({ statistic: 'Sum', period: Duration.minutes(15) });
  notify(
    restarts.createAlarm(stack, 'renderer-restarts', {
      alarmDescription:
        'Renderer tasks keep stopping (3+ in 15 minutes): crash loop, OOM or Chromium failing. See docs/operations.md.',
      threshold: 3,
      evaluationPeriods: 1,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
    }),
  );

  const dashboard = new cloudwatch.Dashboard(stack, 'Dashboard', {
    dashboardName: `${stack.stackName}-export`,
  });
  const graph = (title: string, metrics: cloudwatch.IMetric[]) =>
    new cloudwatch.GraphWidget({ title, left: metrics, width: 8 });
  dashboard.addWidgets(
    graph('export-api requests', [lb.requestCount({ statistic: 'Sum' })]),
    graph('export-api 5xx %', [serverErrorRate]),
    graph('export-api latency p95', [lb.targetResponseTime({ statistic: 'p95' })]),
  );
  for (const [name, service, work] of options.workers) {
    dashboard.addWidgets(
      graph(`${name} queue depth`, [work.queue.metricApproximateNumberOfMessagesVisible()]),
      graph(`${name} oldest message (s)`, [work.queue.metricApproximateAgeOfOldestMessage()]),
      graph(`${name} CPU and memory %`, [
        service.service.metricCpuUtilization(),
        service.service.metricMemoryUtilization(),
      ]),
    );
  }
  return alarmTopic;
}
