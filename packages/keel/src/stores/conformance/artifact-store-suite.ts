/**
 * The conformance suite every {@link ArtifactStore} backend must pass: content addressing, integrity
 * on every read, atomic puts (a failed put leaves nothing), bounded sizes, and refusal of every
 * malformed digest, including the path-traversal spellings from MLflow's CVE history.
 */
import assert from 'node:assert/strict'
import { createHash } from 'node:crypto'
import type { ArtifactStore } from '../artifacts/artifact-store.js'
import { rejectsWithCode, type SuiteHost } from './suite-host.js'

/** A backend under test: the store, and a way to damage a stored artifact behind its back. */
export interface ArtifactBackendHandle {
  readonly store: ArtifactStore
  /** Overwrite the stored bytes of `digest` with different bytes (simulates disk damage). */
  corrupt(digest: string): Promise<void>
  cleanup(): Promise<void>
}

/** Malformed digests that must never reach the storage layer (MLflow CVE regression list). */
export const HOSTILE_DIGESTS: readonly unknown[] = [
  '../../etc/passwd',
  'sha256:../../../../etc/passwd',
  `sha256:${'a'.repeat(62)}/..`,
  `sha256:..\\..\\${'a'.repeat(58)}`,
  `sha256:%2e%2e%2f${'a'.repeat(55)}`,
  `sha256:%252e%252e${'a'.repeat(52)}`,
  `sha256:${'a'.repeat(63)}#`,
  `sha256:${'a'.repeat(63)};`,
  `sha256:${'A'.repeat(64)}`,
  `sha256:${'a'.repeat(63)}`,
  `sha256:${'a'.repeat(65)}`,
  `sha256:${'a'.repeat(64)}\n`,
  `sha256:${'a'.repeat(64)}\u0000`,
  `/etc/passwd`,
  `file:///etc/passwd`,
  `sha512:${'a'.repeat(128)}`,
  'a'.repeat(64),
  '',
  null,
  42,
]

const sha = (bytes: Uint8Array): string =>
  `sha256:${createHash('sha256').update(bytes).digest('hex')}`

const bytesOf = (n: number, seed: number): Uint8Array => {
  const out = new Uint8Array(n)
  let x = seed >>> 0 || 1
  for (let i = 0; i < n; i++) {
    x ^= x << 13
    x ^= x >>> 17
    x ^= x << 5
    out[i] = x & 0xff
  }
  return out
}

const collect = async (it: AsyncIterable<Uint8Array>): Promise<Uint8Array> => {
  const parts: Uint8Array[] = []
  for await (const p of it) parts.push(p)
  return Buffer.concat(parts)
}

/** Register the artifact-store conformance tests for one backend. */
export const artifactStoreConformance = (
  host: SuiteHost,
  name: string,
  open: () => Promise<ArtifactBackendHandle>,
): void => {
  host.describe(`ArtifactStore conformance: ${name}`, () => {
    let h: ArtifactBackendHandle
    host.beforeAll(async () => {
      h = await open()
    })
    host.afterAll(async () => {
      await h.cleanup()
    })

    host.it('stores bytes under their sha256 and reads them back verified', async () => {
      const data = bytesOf(1000, 1)
      const ref = await h.store.put(data)
      assert.deepEqual(ref, { digest: sha(data), size: 1000 })
      assert.deepEqual(new Uint8Array(await h.store.get(ref.digest)), data)
      assert.equal(await h.store.has(ref.digest), true)
      assert.deepEqual(await h.store.stat(ref.digest), ref)
    })

    host.it('addresses identical content once, whatever form it came in', async () => {
      const text = 'model bundle v1 — ünïcode'
      const a = await h.store.put(text)
      const b = await h.store.put(Buffer.from(text, 'utf8'))
      const c = await h.store.put(
        (async function* () {
          yield Buffer.from(text, 'utf8').subarray(0, 5)
          yield Buffer.from(text, 'utf8').subarray(5)
        })(),
      )
      assert.equal(a.digest, b.digest)
      assert.equal(a.digest, c.digest)
      const listed = (await h.store.list()).filter((r) => r.digest === a.digest)
      assert.equal(listed.length, 1)
    })

    host.it('streams large content in and out', async () => {
      const chunks = [bytesOf(1 << 20, 2), bytesOf(700_001, 3), bytesOf(3, 4)]
      const whole = Buffer.concat(chunks)
      const ref = await h.store.put(
        (async function* () {
          yield* chunks
        })(),
      )
      assert.deepEqual(ref, { digest: sha(whole), size: whole.length })
      assert.deepEqual(await collect(h.store.read(ref.digest)), whole)
    })

    host.it('stores empty content', async () => {
      const ref = await h.store.put(new Uint8Array(0))
      assert.equal(ref.size, 0)
      assert.equal((await h.store.get(ref.digest)).length, 0)
    })

    host.it('reports absent artifacts as NOT_FOUND', async () => {
      const absent = sha(Buffer.from('never stored'))
      assert.equal(await h.store.has(absent), false)
      assert.equal(await h.store.stat(absent), undefined)
      await rejectsWithCode(h.store.get(absent), 'NOT_FOUND')
      await rejectsWithCode(collect(h.store.read(absent)), 'NOT_FOUND')
    })

    host.it('refuses malformed and hostile digests before touching storage', async () => {
      for (const digest of HOSTILE_DIGESTS) {
        const d = digest as string
        await rejectsWithCode(h.store.get(d), 'INVALID_ARGUMENT')
        await rejectsWithCode(h.store.has(d), 'INVALID_ARGUMENT')
        await rejectsWithCode(h.store.stat(d), 'INVALID_ARGUMENT')
        await rejectsWithCode(collect(h.store.read(d)), 'INVALID_ARGUMENT')
      }
    })

    host.it('detects damaged content on every read, and a new put repairs it', async () => {
      const data = bytesOf(5000, 5)
      const ref = await h.store.put(data)
      await h.corrupt(ref.digest)
      await rejectsWithCode(h.store.get(ref.digest), 'ARTIFACT_CORRUPT')
      await rejectsWithCode(collect(h.store.read(ref.digest)), 'ARTIFACT_CORRUPT')
      await h.store.put(data)
      assert.deepEqual(new Uint8Array(await h.store.get(ref.digest)), data)
    })

    host.it('keeps nothing from a put that fails part-way', async () => {
      const before = await h.store.list()
      const failing = (async function* () {
        yield bytesOf(10_000, 6)
        throw new Error('source went away')
      })()
      await assert.rejects(h.store.put(failing), /source went away/)
      await rejectsWithCode(h.store.put(bytesOf(2048, 7), { maxBytes: 2047 }), 'PAYLOAD_TOO_LARGE')
      assert.equal(await h.store.has(sha(bytesOf(2048, 7))), false)
      assert.deepEqual(await h.store.list(), before)
      await rejectsWithCode(
        h.store.put(
          (async function* () {
            yield 'not bytes' as unknown as Uint8Array
          })(),
        ),
        'INVALID_ARGUMENT',
      )
    })

    host.it('takes concurrent puts of the same content', async () => {
      const data = bytesOf(300_000, 8)
      const refs = await Promise.all(Array.from({ length: 8 }, () => h.store.put(data)))
      assert.ok(refs.every((r) => r.digest === sha(data)))
      assert.deepEqual(new Uint8Array(await h.store.get(sha(data))), data)
    })

    host.it('lists every artifact once, sorted by digest', async () => {
      const listed = await h.store.list()
      const digests = listed.map((r) => r.digest)
      assert.deepEqual(digests, [...new Set(digests)].sort())
      for (const r of listed) assert.equal((await h.store.stat(r.digest))?.size, r.size)
    })
  })
}
