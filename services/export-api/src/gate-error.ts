import { AppError } from '@wevion/shared';

/** Gate errors carry a `reason` the UI can act on (a banner, a link to billing). */
export class GateError extends AppError {
  constructor(
    readonly reason: string,
    message: string,
    status = 403,
  ) {
    super(reason, message, { status, expose: true, extra: { reason } });
  }
}
