/**
 * The one error base class of every service. `expose` says whether `message` may reach an API
 * client as it is; `field` names the request field at fault for validation errors.
 */
export class AppError extends Error {
  readonly code: string;
  readonly status: number;
  readonly expose: boolean;
  readonly field: string | undefined;

  constructor(
    code: string,
    message: string,
    options: { status?: number; expose?: boolean; field?: string; cause?: unknown } = {},
  ) {
    super(message, { cause: options.cause });
    this.name = new.target.name;
    this.code = code;
    this.status = options.status ?? 500;
    this.expose = options.expose ?? this.status < 500;
    this.field = options.field;
  }
}

/** Bad input: 400, always shown to the client with the field that caused it. */
export class ValidationError extends AppError {
  constructor(code: string, message: string, field?: string) {
    super(code, message, { status: 400, expose: true, ...(field ? { field } : {}) });
  }
}
