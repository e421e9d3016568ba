/**
 * The one error base class of every service. `expose` says whether `message` may reach an API
 * client as it is; `field` names the request field at fault for validation errors.
 */
export class AppError extends Error {
  readonly code: string;
  readonly status: number;
  readonly expose: boolean;
  readonly field: string | undefined;
  /** Fields the answer carries beside `error` (a gate's `reason`, a finished job's `status`). */
  readonly extra: Readonly<Record<string, unknown>>;

  constructor(
    code: string,
    message: string,
    options: {
      status?: number;
      expose?: boolean;
      field?: string;
      cause?: unknown;
      extra?: Record<string, unknown>;
    } = {},
  ) {
    super(message, { cause: options.cause });
    this.name = new.target.name;
    this.code = code;
    this.status = options.status ?? 500;
    this.expose = options.expose ?? this.status < 500;
    this.field = options.field;
    this.extra = options.extra ?? {};
  }
}

/** One invalid field of a request: which, why (a code for programs), and how to fix it. */
export interface FieldProblem {
  /** The field's path ("since", "platforms.2"); absent for the body as a whole. */
  field?: string;
  code: string;
  message: string;
}

/**
 * Bad input: 400, always shown to the client. `details` lists every invalid field at once;
 * `code`, `message` and `field` name the first, as a single error always has.
 */
export class ValidationError extends AppError {
  readonly details: readonly FieldProblem[];

  constructor(code: string, message: string, field?: string, details?: readonly FieldProblem[]) {
    super(code, message, { status: 400, expose: true, ...(field ? { field } : {}) });
    this.details = details ?? [{ ...(field ? { field } : {}), code, message }];
  }

  /** The error for a non-empty list of problems. */
  static of(problems: readonly FieldProblem[]): ValidationError {
    const first = problems[0]!;
    return new ValidationError(first.code, first.message, first.field, problems);
  }
}
