import { KeelError, type Issue } from '@keel/core'

/** A predict request that cannot be answered as sent: 422 with one issue per problem. */
export const invalidRequest = (issues: Issue[]): KeelError =>
  new KeelError('VALIDATION_FAILED', `${issues.length} request problem(s): ${issues[0]!.message}`, {
    issues,
  })

/**
 * Row issues as paths into the request body: `rows.<i>.<field>`, or `row.<field>` when the client
 * sent one `row` (`checkInputRows` numbers rows from 0 either way).
 */
export const rowIssuePaths = (issues: readonly Issue[], single: boolean): Issue[] =>
  issues.map((i) => ({
    ...i,
    path: single ? ['row', ...i.path.slice(1)] : ['rows', ...i.path],
  }))
