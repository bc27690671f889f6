/**
 * The embedded artifact backend: a directory (by default `<workspace>/.keel/artifacts`) laid out as
 * `sha256/<first 2 hex>/<remaining 62 hex>`. Writes are atomic and durable (see `atomic-file.ts`);
 * every read re-hashes the content. Paths are built only from validated digests and checked to stay
 * under the root, and files are opened without following symlinks.
 */
import { createHash } from 'node:crypto'
import { constants } from 'node:fs'
import { mkdirSync } from 'node:fs'
import { lstat, open, readdir } from 'node:fs/promises'
import { join, resolve, sep } from 'node:path'
import { KeelError } from '@keel/core'
import type {
  ArtifactInput,
  ArtifactRef,
  ArtifactStore,
  PutArtifactOptions,
} from './artifact-store.js'
import { checkDigest } from './digest.js'
import { commitTempFile, createTempFile, discardTempFile, type TempFile } from './atomic-file.js'

const SHARD = /^[0-9a-f]{2}$/
const REST = /^[0-9a-f]{62}$/
const READ_CHUNK = 1 << 20

/** Options for {@link openLocalArtifactStore}. */
export interface LocalArtifactStoreOptions {
  /** The workspace directory; artifacts go to `<dir>/.keel/artifacts` (default: current directory). */
  readonly dir?: string | undefined
  /** Use this directory as the artifact root instead of the workspace default. */
  readonly root?: string | undefined
}

/** The artifact root used for a workspace directory. */
export const defaultArtifactRoot = (dir: string): string => join(resolve(dir), '.keel', 'artifacts')

const isNotFound = (e: unknown): boolean =>
  typeof e === 'object' &&
  e !== null &&
  ['ENOENT', 'ENOTDIR'].includes(String((e as { code?: unknown }).code))

/** Open (creating when missing) a local content-addressed artifact store. */
export const openLocalArtifactStore = (options: LocalArtifactStoreOptions = {}): ArtifactStore => {
  const root = resolve(options.root ?? defaultArtifactRoot(options.dir ?? process.cwd()))
  mkdirSync(join(root, 'sha256'), { recursive: true, mode: 0o700 })

  /** The file for a digest, after validating it and checking containment. */
  const pathOf = (digest: string): string => {
    const hex = checkDigest(digest).slice('sha256:'.length)
    const path = resolve(root, 'sha256', hex.slice(0, 2), hex.slice(2))
    if (!path.startsWith(root + sep)) {
      throw new KeelError('INVALID_ARGUMENT', 'artifact path escapes the store root', {
        path: ['digest'],
      })
    }
    return path
  }

  const openForRead = async (digest: string): Promise<Awaited<ReturnType<typeof open>>> => {
    const path = pathOf(digest)
    try {
      return await open(path, constants.O_RDONLY | constants.O_NOFOLLOW)
    } catch (e) {
      if (isNotFound(e)) {
        throw new KeelError('NOT_FOUND', `artifact ${digest} does not exist`, { path: ['digest'] })
      }
      throw new KeelError('ARTIFACT_CORRUPT', `artifact ${digest} cannot be opened`, { cause: e })
    }
  }

  const corrupt = (digest: string, actual: string): KeelError =>
    new KeelError('ARTIFACT_CORRUPT', `artifact ${digest} does not match its content hash`, {
      details: { expected: digest, actual },
      hint: 'the file was modified or damaged on disk; restore it or put the content again',
    })

  const writeAll = async (
    temp: TempFile,
    data: ArtifactInput,
    maxBytes: number,
  ): Promise<ArtifactRef> => {
    const hash = createHash('sha256')
    let size = 0
    const write = async (chunk: Uint8Array): Promise<void> => {
      size += chunk.byteLength
      if (size > maxBytes) {
        throw new KeelError('PAYLOAD_TOO_LARGE', `artifact is larger than ${maxBytes} bytes`, {
          details: { maxBytes },
        })
      }
      hash.update(chunk)
      let offset = 0
      while (offset < chunk.byteLength) {
        const { bytesWritten } = await temp.handle.write(chunk, offset)
        offset += bytesWritten
      }
    }
    if (typeof data === 'string') await write(Buffer.from(data, 'utf8'))
    else if (data instanceof Uint8Array) await write(data)
    else {
      for await (const chunk of data) {
        if (!(chunk instanceof Uint8Array)) {
          throw new KeelError('INVALID_ARGUMENT', 'artifact streams must yield bytes (Uint8Array)')
        }
        await write(chunk)
      }
    }
    return { digest: `sha256:${hash.digest('hex')}`, size }
  }

  const store: ArtifactStore = {
    location: root,

    async put(data: ArtifactInput, options: PutArtifactOptions = {}): Promise<ArtifactRef> {
      const maxBytes = options.maxBytes ?? Number.POSITIVE_INFINITY
      // Streams are hashed while written, so their final directory is unknown until the end; they are
      // staged under `tmp/` on the same file system, which keeps the final rename atomic.
      const known =
        typeof data === 'string' || data instanceof Uint8Array
          ? `sha256:${createHash('sha256').update(data).digest('hex')}`
          : undefined
      const temp = await createTempFile(known ? resolve(pathOf(known), '..') : join(root, 'tmp'))
      try {
        const ref = await writeAll(temp, data, maxBytes)
        // Renaming over an existing file replaces it with freshly verified bytes, which also repairs
        // a damaged copy of the same content.
        await commitTempFile(temp, pathOf(ref.digest))
        return ref
      } catch (e) {
        await discardTempFile(temp)
        throw e
      }
    },

    async get(digest: string): Promise<Uint8Array> {
      const handle = await openForRead(digest)
      let bytes: Buffer
      try {
        bytes = await handle.readFile()
      } finally {
        await handle.close()
      }
      const actual = `sha256:${createHash('sha256').update(bytes).digest('hex')}`
      if (actual !== digest) throw corrupt(digest, actual)
      return bytes
    },

    async *read(digest: string): AsyncIterable<Uint8Array> {
      const handle = await openForRead(digest)
      try {
        const hash = createHash('sha256')
        for (;;) {
          const buffer = Buffer.allocUnsafe(READ_CHUNK)
          const { bytesRead } = await handle.read(buffer, 0, READ_CHUNK, null)
          if (bytesRead === 0) break
          const chunk = buffer.subarray(0, bytesRead)
          hash.update(chunk)
          yield chunk
        }
        const actual = `sha256:${hash.digest('hex')}`
        if (actual !== digest) throw corrupt(digest, actual)
      } finally {
        await handle.close()
      }
    },

    async has(digest: string): Promise<boolean> {
      return (await store.stat(digest)) !== undefined
    },

    async stat(digest: string): Promise<ArtifactRef | undefined> {
      const path = pathOf(digest)
      try {
        // lstat: a symlink planted in the store is not an artifact (reads refuse to follow it too).
        const s = await lstat(path)
        return s.isFile() ? { digest, size: s.size } : undefined
      } catch (e) {
        if (isNotFound(e)) return undefined
        throw e
      }
    },

    async list(): Promise<readonly ArtifactRef[]> {
      const base = join(root, 'sha256')
      const out: ArtifactRef[] = []
      const shards = (await readdir(base, { withFileTypes: true }))
        .filter((d) => d.isDirectory() && SHARD.test(d.name))
        .map((d) => d.name)
        .sort()
      for (const shard of shards) {
        const names = (await readdir(join(base, shard), { withFileTypes: true }))
          .filter((d) => d.isFile() && REST.test(d.name))
          .map((d) => d.name)
          .sort()
        for (const name of names) {
          const s = await lstat(join(base, shard, name))
          out.push({ digest: `sha256:${shard}${name}`, size: s.size })
        }
      }
      return out
    },
  }
  return store
}
