import { dirname } from 'node:path'
import { commitTempFile, createTempFile, discardTempFile } from '../stores/artifacts/atomic-file.js'

/**
 * Write a text file atomically (temporary file, fsync, rename, fsync of the folder): a reader sees
 * the old file or the new one, never half of either, even across a crash.
 */
export const writeTextAtomic = async (file: string, text: string): Promise<void> => {
  const temp = await createTempFile(dirname(file))
  try {
    await temp.handle.writeFile(text, 'utf8')
    await commitTempFile(temp, file)
  } catch (e) {
    await discardTempFile(temp)
    throw e
  }
}
