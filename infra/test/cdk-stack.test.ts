import { App } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import assert from 'node:assert/strict';
import { ExportServiceStack } from '../src/cdk/export-service-stack.ts';
import { BUCKET, DEAD_LETTER_RETENTION_SECONDS, QUEUES } from '../src/resources.ts';

type Resource = { Type: string; Properties: Record<string, unknown> };

describe('the AWS CDK stack (template assertions, offline)', function () {
  this.timeout(60_000);
  let template: Template;
  let resources: Record<string, Resource>;

  before(() => {
    const app = new App();
    const stack = new ExportServiceStack(app, 'Test', {
      repositoryName: 'wevion-export',
      imageTag: 'test',
      jwtSecretName: 'wevion/jwt',
      mongodbUriSecretName: 'wevion/mongodb',
      apiTasks: { minTasks: 2, maxTasks: 6 },
      reportBuilder: { minTasks: 1, maxTasks: 8 },
      renderer: { minTasks: 1, maxTasks: 20 },
    });
    template = Template.fromStack(stack);
    resources = template.toJSON().Resources as Record<string, Resource>;
  });

  const ofType = (type: string) => Object.entries(resources).filter(([, r]) => r.Type === type);

  it('when queues are defined, then each work queue has the visibility and redrive of resources.ts', () => {
    for (const queue of QUEUES) {
      template.hasResourceProperties('AWS::SQS::Queue', {
        VisibilityTimeout: queue.visibilityTimeoutSeconds,
        RedrivePolicy: Match.objectLike({ maxReceiveCount: queue.maxReceiveCount }),
      });
    }
    const queues = ofType('AWS::SQS::Queue');
    assert.equal(queues.length, QUEUES.length * 2, 'a work queue and a DLQ each');
    const dlqs = queues.filter(
      ([, q]) => q.Properties.MessageRetentionPeriod === DEAD_LETTER_RETENTION_SECONDS,
    );
    assert.equal(dlqs.length, QUEUES.length);
    assert.equal(queues.filter(([, q]) => q.Properties.RedrivePolicy).length, QUEUES.length);
  });

  it('when the bucket is defined, then it is private, encrypted, TLS-only and expires exports and datasets', () => {
    template.hasResourceProperties('AWS::S3::Bucket', {
      PublicAccessBlockConfiguration: {
        BlockPublicAcls: true,
        BlockPublicPolicy: true,
        IgnorePublicAcls: true,
        RestrictPublicBuckets: true,
      },
      BucketEncryption: Match.objectLike({}),
      LifecycleConfiguration: {
        Rules: Match.arrayWith([
          Match.objectLike({ Prefix: 'exports/', ExpirationInDays: BUCKET.exportRetentionDays }),
          Match.objectLike({ Prefix: 'datasets/', ExpirationInDays: BUCKET.datasetRetentionDays }),
          Match.objectLike({
            Prefix: 'cancellations/',
            ExpirationInDays: BUCKET.cancellationRetentionDays,
          }),
        ]),
      },
    });
    template.hasResourceProperties('AWS::S3::BucketPolicy', {
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({
            Effect: 'Deny',
            Condition: { Bool: { 'aws:SecureTransport': 'false' } },
          }),
        ]),
      },
    });
  });

  it('when workers are defined, then report-builder and renderer each scale on their own queue depth', () => {
    const targets = ofType('AWS::ApplicationAutoScaling::ScalableTarget');
    const bounds = targets.map(([, t]) => [t.Properties.MinCapacity, t.Properties.MaxCapacity]);
    assert.deepEqual(
      bounds.sort(),
      [
        [1, 20],
        [1, 8],
        [2, 6],
      ].sort(),
      'api, report-builder, renderer',
    );
    const scales = (a: Resource) =>
      ((a.Properties.AlarmActions ?? []) as { Ref?: string }[]).some(
        (action) =>
          resources[action.Ref ?? '']?.Type === 'AWS::ApplicationAutoScaling::ScalingPolicy',
      );
    const queueAlarms = ofType('AWS::CloudWatch::Alarm').filter(
      ([, a]) => a.Properties.MetricName === 'ApproximateNumberOfMessagesVisible' && scales(a),
    );
    const scaledQueues = new Set(
      queueAlarms.map(([, a]) => JSON.stringify(a.Properties.Dimensions)),
    );
    assert.equal(scaledQueues.size, 2, 'two queues drive scaling: export-jobs and render-jobs');
    const [renderJobs] = ofType('AWS::SQS::Queue').find(
      ([id, q]) => id.startsWith('renderjobs') && q.Properties.RedrivePolicy,
    )!;
    assert.ok(
      [...scaledQueues].some((d) => d.includes(renderJobs)),
      'the renderer scales on render-jobs',
    );
    const stepPolicies = ofType('AWS::ApplicationAutoScaling::ScalingPolicy').filter(
      ([, p]) => p.Properties.PolicyType === 'StepScaling',
    );
    assert.ok(stepPolicies.length >= 4, 'scale out and in for each worker');
  });

  it('when roles are defined, then no statement allows every action on every resource', () => {
    const statements = ofType('AWS::IAM::Policy').flatMap(
      ([, p]) =>
        (p.Properties.PolicyDocument as { Statement: { Action: unknown; Resource: unknown }[] })
          .Statement,
    );
    assert.ok(statements.length > 10);
    const list = (v: unknown) => (Array.isArray(v) ? v : [v]);
    for (const statement of statements) {
      const wildAction = list(statement.Action).some(
        (a) => a === '*' || a === 's3:*' || a === 'sqs:*',
      );
      const wildResource = list(statement.Resource).includes('*');
      assert.ok(!(wildAction && wildResource), JSON.stringify(statement));
      assert.ok(!list(statement.Action).includes('*'), JSON.stringify(statement));
    }
  });

  it('when containers start, then secrets come from Secrets Manager, never plain environment', () => {
    const containers = ofType('AWS::ECS::TaskDefinition').flatMap(
      ([, t]) =>
        t.Properties.ContainerDefinitions as {
          Name: string;
          Environment?: { Name: string }[];
          Secrets?: { Name: string }[];
        }[],
    );
    assert.equal(containers.length, 3);
    for (const container of containers) {
      const plain = (container.Environment ?? []).map((e) => e.Name);
      for (const name of ['JWT_SECRET', 'MONGODB_URI', 'INTERNAL_TOKEN_SECRET', 'OPS_TOKEN']) {
        assert.ok(!plain.includes(name), `${container.Name}: ${name} is not plain environment`);
      }
      assert.ok(
        (container.Secrets ?? []).some((s) => s.Name === 'OPS_TOKEN'),
        container.Name,
      );
    }
    const api = containers.find((c) => (c.Secrets ?? []).some((s) => s.Name === 'JWT_SECRET'));
    assert.ok(api, 'export-api gets JWT_SECRET from Secrets Manager');
  });

  it('when alarms are defined, then dead letters, message age, 5xx and renderer restarts alarm to one topic', () => {
    const alarms = ofType('AWS::CloudWatch::Alarm').filter(([, a]) =>
      JSON.stringify(a.Properties.AlarmActions ?? []).includes('Alarms'),
    );
    const byMetric = (name: string) =>
      alarms.filter(([, a]) => a.Properties.MetricName === name).length;
    assert.equal(byMetric('NumberOfMessagesReceived'), QUEUES.length, 'one per DLQ');
    assert.equal(byMetric('ApproximateAgeOfOldestMessage'), QUEUES.length, 'one per work queue');
    assert.equal(byMetric('RendererTaskStops'), 1);
    assert.ok(
      alarms.some(([, a]) =>
        JSON.stringify(a.Properties.Metrics ?? []).includes('HTTPCode_Target_5XX_Count'),
      ),
    );
    template.resourceCountIs('AWS::CloudWatch::Dashboard', 1);
  });
});
