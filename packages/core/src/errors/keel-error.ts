import type { ErrorCode } from './codes.js'

/**
 * One problem found while checking input: where it is (`path`, e.g. `['rows', 3, 'distance']` or
 * `['sources', 'flights', 'path']`), what kind it is (`code`) and a sentence for people (`message`).
 */
export interface Issue {
  readonly code: string
  readonly path: readonly (string | number)[]
  readonly message: string
  /** Extra facts for tools: the offending value, sample row numbers, limits. */
  readonly details?: Readonly<Record<string, unknown>>
}

/** Options accepted by {@link KeelError}. */
export interface KeelErrorOptions {
  readonly path?: readonly (string | number)[]
  readonly issues?: readonly Issue[]
  readonly details?: Readonly<Record<string, unknown>>
  readonly cause?: unknown
  /** A one-line suggestion for the user, e.g. an install command. */
  readonly hint?: string
}

/**
 * The one error type Keel throws. Everything a caller needs is data: a stable `code`, the `path` of
 * the offending input, structured `issues` when there are several, and a `hint`.
 *
 * @example
 * throw new KeelError('INVALID_DATA', 'label column "late" has a single class', { path: ['late'] })
 */
export class KeelError extends Error {
  readonly code: ErrorCode
  readonly path: readonly (string | number)[]
  readonly issues: readonly Issue[]
  readonly details: Readonly<Record<string, unknown>>
  readonly hint: string | undefined

  constructor(code: ErrorCode, message: string, options: KeelErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause })
    this.name = 'KeelError'
    this.code = code
    this.path = options.path ?? []
    this.issues = options.issues ?? []
    this.details = options.details ?? {}
    this.hint = options.hint
  }

  /** Plain data for `--json` output, logs and HTTP bodies. Never includes a stack trace. */
  toJSON(): {
    code: ErrorCode
    message: string
    path: readonly (string | number)[]
    issues: readonly Issue[]
    details: Readonly<Record<string, unknown>>
    hint?: string
  } {
    return {
      code: this.code,
      message: this.message,
      path: this.path,
      issues: this.issues,
      details: this.details,
      ...(this.hint === undefined ? {} : { hint: this.hint }),
    }
  }
}

/** True when `e` is a {@link KeelError} (also across duplicated module copies). */
export const isKeelError = (e: unknown): e is KeelError =>
  e instanceof KeelError ||
  (typeof e === 'object' &&
    e !== null &&
    (e as { name?: unknown }).name === 'KeelError' &&
    'code' in e)

/** Wrap anything thrown into a KeelError, keeping the original as `cause`. */
export const toKeelError = (e: unknown): KeelError => {
  if (isKeelError(e)) return e
  const message = e instanceof Error ? e.message : String(e)
  return new KeelError('INTERNAL', message, { cause: e })
}

/** Render a path such as `rows[3].distance` for messages. */
export const formatPath = (path: readonly (string | number)[]): string =>
  path.map((p, i) => (typeof p === 'number' ? `[${p}]` : i === 0 ? p : `.${p}`)).join('')
