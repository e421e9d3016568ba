import { MAX_RUNS_LISTED } from '../../schedules/schedule-admin.ts';
import { error, gates, json, ref } from './building-blocks.ts';
import * as examples from './examples.ts';

const SCHEDULE_ID = { name: 'schedule_id', in: 'path', required: true, schema: { type: 'string' } };
const notFound = error(
  'schedule_not_found: no such schedule in your workspace (or the feature is off).',
);
const editGates = {
  ...gates,
  '403': error(
    'A gate, named in `reason`: a viewer (insufficient_role); for create, resume and run also no active subscription (subscription_required), a plan without schedules (plan_excludes_schedules) or all of the plan’s schedules in use (schedule_limit_reached, with `limit`).',
    'insufficient_role',
  ),
  '404': notFound,
};
const body = (schema: string, example: unknown) => ({
  required: true,
  content: { 'application/json': { schema: ref(schema), example } },
});
const scheduleAnswer = (description: string) =>
  json(ref('Schedule'), description, examples.SCHEDULE_EXAMPLE);

/** /api/v1/analytics/schedules: scheduled exports, their runs and the timetable preview. */
export const schedulePaths = {
  '/api/v1/analytics/schedules': {
    post: {
      operationId: 'createSchedule',
      summary: 'Create a schedule (admins and media buyers; as many as the plan allows)',
      requestBody: body('ScheduleRequest', examples.SCHEDULE_REQUEST_EXAMPLE),
      responses: {
        '201': {
          ...scheduleAnswer('Created, active; `next_runs` are its next three runs.'),
          headers: { Location: { required: true, schema: { type: 'string' } } },
        },
        '400': error('invalid_field: a field is invalid; `details` lists every one.'),
        ...editGates,
      },
    },
    get: {
      operationId: 'listSchedules',
      summary: 'List the workspace’s schedules, newest first',
      parameters: [
        {
          name: 'limit',
          in: 'query',
          schema: { type: 'integer', minimum: 1, maximum: 100, default: 20 },
        },
        { name: 'cursor', in: 'query', schema: { type: 'string' } },
      ],
      responses: {
        '200': json(ref('ScheduleList'), 'A page of schedules.', {
          schedules: [examples.SCHEDULE_EXAMPLE],
          next_cursor: null,
        }),
        '400': error('invalid_cursor: the cursor was not written by this API.'),
        ...gates,
      },
    },
  },
  '/api/v1/analytics/schedules/preview': {
    post: {
      operationId: 'previewSchedule',
      summary: 'The next runs of a schedule, computed without saving it',
      requestBody: body('SchedulePreviewRequest', examples.SCHEDULE_PREVIEW_REQUEST_EXAMPLE),
      responses: {
        '200': json(
          ref('SchedulePreview'),
          'The next runs, in the schedule’s zone.',
          examples.SCHEDULE_PREVIEW_EXAMPLE,
        ),
        '400': error('invalid_field: a field is invalid; `details` lists every one.'),
        ...gates,
      },
    },
  },
  '/api/v1/analytics/schedules/{schedule_id}': {
    get: {
      parameters: [SCHEDULE_ID],
      operationId: 'getSchedule',
      summary: 'A schedule, its next runs and its last run',
      responses: { '200': scheduleAnswer('The schedule.'), ...gates, '404': notFound },
    },
    patch: {
      parameters: [SCHEDULE_ID],
      operationId: 'updateSchedule',
      summary: 'Change a schedule; an active one’s next run is counted again from now',
      requestBody: body('SchedulePatch', {
        recurrence: { frequency: 'monthly', day: 'last', time: '07:30' },
      }),
      responses: {
        '200': scheduleAnswer('The schedule after the change.'),
        '400': error('invalid_field: a field is invalid; `details` lists every one.'),
        ...editGates,
      },
    },
    delete: {
      parameters: [SCHEDULE_ID],
      operationId: 'deleteSchedule',
      summary: 'Delete a schedule and its run history (its jobs stay in the Reports list)',
      responses: { '204': { description: 'Deleted.' }, ...editGates },
    },
  },
  '/api/v1/analytics/schedules/{schedule_id}/pause': {
    post: {
      parameters: [SCHEDULE_ID],
      operationId: 'pauseSchedule',
      summary: 'Pause a schedule (reason paused_by_user); no run happens until it resumes',
      responses: { '200': scheduleAnswer('The schedule, paused.'), ...editGates },
    },
  },
  '/api/v1/analytics/schedules/{schedule_id}/resume': {
    post: {
      parameters: [SCHEDULE_ID],
      operationId: 'resumeSchedule',
      summary: 'Resume a schedule from now: its next run is the first time after now, no backlog',
      responses: { '200': scheduleAnswer('The schedule, active.'), ...editGates },
    },
  },
  '/api/v1/analytics/schedules/{schedule_id}/run': {
    post: {
      parameters: [SCHEDULE_ID],
      operationId: 'runScheduleNow',
      summary: 'Run a schedule now, outside its timetable (which stays as it is)',
      responses: {
        '202': {
          ...json(
            ref('ExportAccepted'),
            'Accepted: poll the job at Location.',
            examples.EXPORT_ACCEPTED_EXAMPLE,
          ),
          headers: { Location: { required: true, schema: { type: 'string' } } },
        },
        ...editGates,
        '409': error('previous_run_unfinished: the schedule’s previous job is still going.'),
        '429': error('export_quota_exceeded: this month’s exports are used.'),
      },
    },
  },
  '/api/v1/analytics/schedules/{schedule_id}/runs': {
    get: {
      operationId: 'listScheduleRuns',
      summary: 'A schedule’s run history, the latest scheduled first',
      parameters: [
        SCHEDULE_ID,
        {
          name: 'limit',
          in: 'query',
          schema: { type: 'integer', minimum: 1, maximum: MAX_RUNS_LISTED, default: 20 },
        },
      ],
      responses: {
        '200': json(ref('ScheduleRuns'), 'The runs, with each job’s status now.', {
          runs: [examples.SCHEDULE_EXAMPLE.last_run],
        }),
        '400': error('invalid_field: `limit` is out of range.'),
        ...gates,
        '404': notFound,
      },
    },
  },
};
