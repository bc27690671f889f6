export { ERROR_CODES, exitCodeFor, httpStatusFor, type ErrorCode } from './codes.js'
export {
  KeelError,
  isKeelError,
  toKeelError,
  formatPath,
  type Issue,
  type KeelErrorOptions,
} from './keel-error.js'
export { zodIssues, type ZodIssueLike } from './zod-issues.js'
