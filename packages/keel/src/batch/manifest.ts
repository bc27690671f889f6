import { readFileSync, renameSync, writeFileSync } from 'node:fs'
import { KeelError } from '@keel/core'

/** One chunk that was predicted and written as a part file. */
export interface ManifestChunk {
  readonly index: number
  readonly firstRow: number
  readonly rows: number
  readonly file: string
}

/**
 * The record of a batch job's progress, kept beside its output: which chunks are done, for which
 * bundle and output. A resumed job skips the chunks listed here.
 */
export interface BatchManifest {
  readonly format: 'keel-batch-manifest'
  readonly formatVersion: 1
  /** sha256 of the bundle's JSON: resuming with another bundle is refused. */
  readonly bundleHash: string
  readonly output: string
  readonly outputFormat: string
  readonly columns: readonly string[]
  readonly chunks: readonly ManifestChunk[]
  /** Set once the final file is complete (before its rename), so a rerun only cleans up. */
  readonly assembled: boolean
}

/** Write the manifest atomically (a temporary file renamed over the old one). */
export const writeManifest = (file: string, manifest: BatchManifest): void => {
  const tmp = `${file}.tmp`
  writeFileSync(tmp, JSON.stringify(manifest, null, 1))
  renameSync(tmp, file)
}

/** Read a manifest, or `undefined` when there is none. */
export const readManifest = (file: string): BatchManifest | undefined => {
  let text: string
  try {
    text = readFileSync(file, 'utf8')
  } catch {
    return undefined
  }
  try {
    const m = JSON.parse(text) as BatchManifest
    if (m.format !== 'keel-batch-manifest' || m.formatVersion !== 1)
      throw new Error('not a batch manifest')
    return m
  } catch (e) {
    throw new KeelError(
      'ARTIFACT_CORRUPT',
      `the batch manifest ${file} is unreadable; delete it to start over`,
      {
        cause: e,
      },
    )
  }
}
