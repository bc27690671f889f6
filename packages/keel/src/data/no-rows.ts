import { KeelError } from '@keel/core'
import { describeSource, isPostgresSource, resolveSourcePath, type SourceSpec } from './source.js'

/** A source named for messages: a file by its absolute path, a table or query by its URL. */
export const sourceName = (source: SourceSpec, baseDir?: string): string =>
  isPostgresSource(source) ? describeSource(source) : resolveSourcePath(source.path, baseDir)

/**
 * `INVALID_DATA` for a source with 0 rows (a CSV with only its header, an empty table): there is
 * nothing to profile, validate or infer a schema from, and passing would bless an empty batch.
 * Names the source and the row count.
 */
export const noRowsError = (
  source: string,
  task: string,
  at: { readonly dataset?: string } = {},
): KeelError =>
  new KeelError('INVALID_DATA', `${source} has 0 rows: nothing to ${task}`, {
    path: at.dataset === undefined ? [source] : ['sources', at.dataset],
    details: { source, rows: 0, reason: 'no_rows', ...at },
    hint: 'a header alone is not data: add rows, or point at the file that holds them',
  })
