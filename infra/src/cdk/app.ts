/**
 * npm run synth: the CloudFormation template of the export service, offline (no AWS account is
 * needed to synthesise; `cdk deploy --app cdk.out` or the CDK CLI deploys it). Settings come
 * from the environment so one template serves every stage.
 */
import { App } from 'aws-cdk-lib';
import { ExportServiceStack } from './export-service-stack.ts';

const env = (name: string, fallback: string) => process.env[name] ?? fallback;
const tasks = (prefix: string, min: number, max: number) => ({
  minTasks: Number(env(`${prefix}_MIN_TASKS`, String(min))),
  maxTasks: Number(env(`${prefix}_MAX_TASKS`, String(max))),
});

const app = new App({ outdir: env('CDK_OUTDIR', 'cdk.out') });
new ExportServiceStack(app, env('STACK_NAME', 'WevionExport'), {
  repositoryName: env('IMAGE_REPOSITORY', 'wevion-export'),
  imageTag: env('IMAGE_TAG', 'latest'),
  jwtSecretName: env('JWT_SECRET_NAME', 'wevion/export/jwt-secret'),
  ...(process.env.JWT_PREVIOUS_SECRET_NAME
    ? { jwtPreviousSecretName: process.env.JWT_PREVIOUS_SECRET_NAME }
    : {}),
  mongodbUriSecretName: env('MONGODB_URI_SECRET_NAME', 'wevion/export/mongodb-uri'),
  apiTasks: tasks('API', 2, 6),
  reportBuilder: tasks('REPORT_BUILDER', 1, 8),
  renderer: tasks('RENDERER', 1, 20),
  ...(process.env.ALARM_EMAIL ? { alarmEmail: process.env.ALARM_EMAIL } : {}),
});
const assembly = app.synth();
console.log(
  `Synthesised ${assembly.stacks.map((s) => s.templateFile).join(', ')} in ${assembly.directory}`,
);
