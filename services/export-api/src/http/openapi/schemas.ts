import { jobSchemas } from './job-schemas.ts';
import { summarySchemas } from './summary-schema.ts';
import { scheduleSchemas } from './schedule-schemas.ts';
import { workspaceSchemas } from './workspace-schemas.ts';

/** The document's named schemas: every body the API takes or gives, and the webhook payload. */
export const schemas = {
  ...jobSchemas,
  ...summarySchemas,
  ...workspaceSchemas,
  ...scheduleSchemas,
};
