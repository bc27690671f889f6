/**
 * Crash-safe file creation: write a temporary file next to the destination, flush it to disk, rename
 * it over the destination, then flush the directory so the rename itself survives a power cut. A
 * reader therefore sees either no file or the complete file, never a prefix.
 */
import { randomBytes } from 'node:crypto'
import { constants } from 'node:fs'
import { mkdir, open, rename, unlink, type FileHandle } from 'node:fs/promises'
import { basename, dirname, join } from 'node:path'

/** A temporary file being written; commit it into place or discard it. */
export interface TempFile {
  readonly path: string
  readonly handle: FileHandle
}

/** Create a fresh temporary file in `dir` (exclusive create, so it can never reuse another file). */
export const createTempFile = async (dir: string): Promise<TempFile> => {
  await mkdir(dir, { recursive: true, mode: 0o700 })
  const path = join(dir, `.tmp-${process.pid}-${randomBytes(8).toString('hex')}`)
  const handle = await open(
    path,
    constants.O_CREAT | constants.O_EXCL | constants.O_WRONLY | constants.O_NOFOLLOW,
    0o600,
  )
  return { path, handle }
}

/** fsync a directory, making renames and creations inside it durable. */
export const syncDirectory = async (dir: string): Promise<void> => {
  const handle = await open(dir, constants.O_RDONLY | constants.O_DIRECTORY)
  try {
    await handle.sync()
  } finally {
    await handle.close()
  }
}

/** Flush `temp` and rename it to `destination` (created with mode 0644), then flush the directory. */
export const commitTempFile = async (temp: TempFile, destination: string): Promise<void> => {
  await temp.handle.chmod(0o644)
  await temp.handle.sync()
  await temp.handle.close()
  const destinationDir = dirname(destination)
  await mkdir(destinationDir, { recursive: true, mode: 0o700 })
  await rename(temp.path, destination)
  await syncDirectory(destinationDir)
}

/** Close and delete a temporary file that will not be committed (errors are ignored). */
export const discardTempFile = async (temp: TempFile): Promise<void> => {
  await temp.handle.close().catch(() => undefined)
  await unlink(temp.path).catch(() => undefined)
}

/** True for names made by {@link createTempFile}, so listings can skip leftovers of a crash. */
export const isTempFileName = (path: string): boolean => basename(path).startsWith('.tmp-')
