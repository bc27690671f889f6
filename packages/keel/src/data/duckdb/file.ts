import { mkdtemp, realpath, rm, stat, symlink } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { extname, join, relative, isAbsolute } from 'node:path'
import { KeelError } from '@keel/core'
import { resolveSourcePath, type FileSourceSpec } from '../source.js'

/** Characters DuckDB's file readers treat as glob patterns. */
const GLOB = /[*?[\]{}]/

/** A file checked for reading: its name for messages and the path DuckDB should open. */
export interface CheckedFile {
  /** Absolute, normalized path, as the user knows the file. */
  readonly file: string
  /** The path handed to DuckDB (a private alias when the name contains glob characters). */
  readonly readPath: string
  /** Remove the alias, if one was made. */
  close(): Promise<void>
}

/**
 * Resolve, check and prepare a file for DuckDB.
 *
 * - The path is resolved against `baseDir` (default: the working directory) and normalized.
 * - With `confine`, the file (after following symlinks) must lie inside `baseDir`: a source from
 *   an untrusted place cannot reach `../../etc/passwd` or a symlink out of the project.
 * - A missing, unreadable or non-regular file is `FILE_NOT_FOUND` naming it; an empty one (0 bytes)
 *   is `INVALID_DATA`.
 * - DuckDB expands `* ? [ ] { }` in file names as globs (`data[1].csv` would read `data1.csv`);
 *   such a file is read through a symlink with a plain name in a private temporary directory.
 */
export const checkFile = async (
  spec: FileSourceSpec,
  options: { readonly baseDir?: string | undefined; readonly confine?: boolean | undefined } = {},
): Promise<CheckedFile> => {
  const file = resolveSourcePath(spec.path, options.baseDir)
  const notFound = (message: string, cause?: unknown): KeelError =>
    new KeelError('FILE_NOT_FOUND', message, { path: [spec.path], details: { file }, cause })
  let real: string
  try {
    const info = await stat(file)
    if (!info.isFile()) throw notFound(`not a file: ${file}`)
    // DuckDB reads an empty CSV as one phantom column (`column0`) with no rows.
    if (info.size === 0) {
      throw new KeelError('INVALID_DATA', `${file} is empty (0 bytes): no header and no rows`, {
        path: [spec.path],
        details: { file, bytes: 0, rows: 0, reason: 'empty_file' },
      })
    }
    real = await realpath(file)
  } catch (e) {
    if (e instanceof KeelError) throw e
    const code = (e as NodeJS.ErrnoException).code
    throw notFound(
      code === 'ENOENT' ? `file not found: ${file}` : `cannot read ${file} (${code})`,
      e,
    )
  }
  if (options.confine) {
    const base = await realpath(options.baseDir ?? process.cwd())
    const rel = relative(base, real)
    if (rel === '' || rel.startsWith('..') || isAbsolute(rel)) {
      throw new KeelError('INVALID_ARGUMENT', `${spec.path} is outside ${base}`, {
        path: [spec.path],
      })
    }
  }
  if (!GLOB.test(real)) return { file, readPath: real, close: async () => undefined }
  const dir = await mkdtemp(join(tmpdir(), 'keel-read-'))
  const alias = join(dir, `source${extname(real).replace(GLOB, '')}`)
  await symlink(real, alias)
  return { file, readPath: alias, close: () => rm(dir, { recursive: true, force: true }) }
}
