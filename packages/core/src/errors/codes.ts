/**
 * The closed set of error codes Keel raises, with the one table that maps each code to a process exit
 * code and an HTTP status. Codes are stable: scripts and clients may match on them.
 */
export const ERROR_CODES = {
  // Bad input from a user: config, data, parameters, requests.
  INVALID_ARGUMENT: { exit: 2, http: 400, summary: 'an argument or option is not valid' },
  INVALID_CONFIG: { exit: 2, http: 400, summary: 'the project config is not valid' },
  INVALID_PARAMS: { exit: 2, http: 400, summary: 'hyperparameters are not valid' },
  INVALID_DATA: { exit: 3, http: 422, summary: 'the data is not usable for this operation' },
  SCHEMA_MISMATCH: { exit: 3, http: 422, summary: 'the data does not match the pinned schema' },
  VALIDATION_FAILED: { exit: 4, http: 422, summary: 'the data violates its schema contract' },
  PARSE_ERROR: { exit: 3, http: 400, summary: 'the input could not be parsed' },
  // Things that are not there.
  NOT_FOUND: { exit: 5, http: 404, summary: 'the requested object does not exist' },
  FILE_NOT_FOUND: { exit: 5, http: 404, summary: 'a file does not exist or cannot be read' },
  CONFLICT: { exit: 6, http: 409, summary: 'the operation conflicts with the current state' },
  // Artifacts and models.
  ARTIFACT_CORRUPT: { exit: 7, http: 500, summary: 'an artifact failed its integrity check' },
  UNSUPPORTED_FORMAT: {
    exit: 7,
    http: 400,
    summary: 'a file or artifact has an unsupported format',
  },
  NOT_FITTED: { exit: 8, http: 500, summary: 'the object must be fitted first' },
  // Environment and services.
  UNAVAILABLE: { exit: 9, http: 503, summary: 'a service or backend did not answer' },
  MISSING_DEPENDENCY: { exit: 9, http: 500, summary: 'an optional dependency is not installed' },
  UNAUTHORIZED: { exit: 10, http: 401, summary: 'a valid token is required' },
  // A verdict, not a failure: the evaluation ran and its gate refused the model (`keel evaluate`).
  GATE_REFUSED: { exit: 11, http: 409, summary: 'the evaluation gate refused the model' },
  PAYLOAD_TOO_LARGE: { exit: 2, http: 413, summary: 'the request is too large' },
  UNSUPPORTED_MEDIA_TYPE: {
    exit: 2,
    http: 415,
    summary: 'the request body is not in a supported media type',
  },
  CANCELLED: { exit: 130, http: 499, summary: 'the operation was cancelled' },
  INTERNAL: { exit: 1, http: 500, summary: 'an unexpected internal error' },
} as const satisfies Record<string, { exit: number; http: number; summary: string }>

/** A stable Keel error code. */
export type ErrorCode = keyof typeof ERROR_CODES

/** Process exit code for an error code. */
export const exitCodeFor = (code: ErrorCode): number => ERROR_CODES[code].exit

/** HTTP status for an error code. */
export const httpStatusFor = (code: ErrorCode): number => ERROR_CODES[code].http
