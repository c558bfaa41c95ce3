/**
 * Typed errors. Every module throws an AppError subclass; the HTTP status is decided once in
 * server/http/errors.ts and the exit code once in indexer/cli.ts. Callers branch on `code`,
 * never on message text.
 */
export type ErrorCode =
  | 'invalid_parameter'
  | 'invalid_config'
  | 'invalid_input'
  | 'not_found'
  | 'unauthorized'
  | 'payload_too_large'
  | 'unsupported_media_type'
  | 'method_not_allowed'
  | 'rate_limited'
  | 'engine_unavailable'
  | 'engine_error'
  | 'engine_missing'
  | 'usage'
  | 'internal';

export class AppError extends Error {
  readonly code: ErrorCode;
  readonly details: Record<string, unknown> | undefined;
  constructor(code: ErrorCode, message: string, options: { cause?: unknown; details?: Record<string, unknown> } = {}) {
    super(message, { cause: options.cause });
    this.name = new.target.name;
    this.code = code;
    this.details = options.details;
  }
}

/** A request parameter is missing or wrong; the message names the parameter. */
export class ParameterError extends AppError {
  readonly parameter: string;
  constructor(parameter: string, reason: string) {
    super('invalid_parameter', `Parameter \`${parameter}\`: ${reason}`, { details: { parameter } });
    this.parameter = parameter;
  }
}

export class ConfigError extends AppError {
  constructor(message: string) {
    super('invalid_config', message);
  }
}

/** An input article (file, line) cannot be used; names the source and the reason. */
export class InputError extends AppError {
  readonly source: string;
  constructor(source: string, reason: string, options: { cause?: unknown } = {}) {
    super('invalid_input', `${source}: ${reason}`, options);
    this.source = source;
  }
}

export class NotFoundError extends AppError {
  constructor(message: string) {
    super('not_found', message);
  }
}

/** The engine could not be reached or did not answer in time. */
export class EngineUnavailableError extends AppError {
  constructor(message: string, options: { cause?: unknown } = {}) {
    super('engine_unavailable', message, options);
  }
}

/** The engine answered with an error (HTTP or failed task); keeps the engine's own code. */
export class EngineError extends AppError {
  readonly engineCode: string | undefined;
  constructor(message: string, engineCode?: string, options: { cause?: unknown } = {}) {
    super('engine_error', message, { ...options, details: { engineCode } });
    this.engineCode = engineCode;
  }
}

/**
 * The engine's disk is full (its own `no_space_left_on_device`, or "os error 28"). Nothing it
 * serves is touched: it applies a batch whole or not at all. The message keeps the engine's words.
 */
export class DiskFullError extends EngineError {
  constructor(message: string, options: { cause?: unknown } = {}) {
    super(message, 'no_space_left_on_device', options);
  }
}

/** An admin route was called without the right token (answered 401 with WWW-Authenticate). */
export class UnauthorizedError extends AppError {
  constructor(message: string) {
    super('unauthorized', message);
  }
}

export class UsageError extends AppError {
  constructor(message: string) {
    super('usage', message);
  }
}
