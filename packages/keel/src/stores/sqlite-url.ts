import { isAbsolute, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { KeelError } from '@keel/core'

/**
 * The file an embedded store's URL names: `file:///abs/path.db`, or `sqlite:path.db` relative to
 * the workspace (or absolute). `undefined` when the URL is not a SQLite URL; `what` names the store
 * in the error for an empty `sqlite:` path.
 */
export const sqliteFileOf = (url: string, workspace: string, what: string): string | undefined => {
  if (url.startsWith('file://')) return fileURLToPath(url)
  if (!url.startsWith('sqlite:')) return undefined
  const p = url.slice('sqlite:'.length)
  if (p === '') throw new KeelError('INVALID_CONFIG', `a sqlite: ${what} URL needs a file path`)
  return isAbsolute(p) ? p : resolve(workspace, p)
}
