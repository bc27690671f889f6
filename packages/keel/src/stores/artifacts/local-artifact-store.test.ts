import {
  chmodSync,
  readdirSync,
  rmSync,
  statSync,
  symlinkSync,
  writeFileSync,
  mkdirSync,
} from 'node:fs'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { fc, test } from '@fast-check/vitest'
import { artifactStoreConformance } from '../conformance/artifact-store-suite.js'
import { tempDir } from '../test-support/backends.js'
import { digestOf } from './digest.js'
import { defaultArtifactRoot, openLocalArtifactStore } from './local-artifact-store.js'

const fileOf = (root: string, digest: string): string =>
  join(root, 'sha256', digest.slice(7, 9), digest.slice(9))

artifactStoreConformance({ describe, it, beforeAll, afterAll }, 'local directory', async () => {
  const dir = tempDir()
  const store = openLocalArtifactStore({ dir })
  return {
    store,
    corrupt: async (digest) => {
      const path = fileOf(store.location, digest)
      chmodSync(path, 0o644)
      writeFileSync(path, 'damaged')
    },
    cleanup: async () => rmSync(dir, { recursive: true, force: true }),
  }
})

describe('local artifact store', () => {
  let dir: string
  beforeAll(() => {
    dir = tempDir()
  })
  afterAll(() => rmSync(dir, { recursive: true, force: true }))

  it('lays artifacts out as sha256/<2 hex>/<62 hex> under <workspace>/.keel/artifacts', async () => {
    const store = openLocalArtifactStore({ dir })
    expect(store.location).toBe(defaultArtifactRoot(dir))
    const ref = await store.put('layout')
    const path = fileOf(store.location, ref.digest)
    expect(statSync(path).isFile()).toBe(true)
    expect(statSync(path).mode & 0o777).toBe(0o644)
    // The workspace state is private to its owner.
    expect(statSync(join(dir, '.keel', 'artifacts')).mode & 0o777).toBe(0o700)
  })

  it('leaves no temporary file behind and ignores leftovers of a crash', async () => {
    const store = openLocalArtifactStore({ dir })
    const ref = await store.put('tidy')
    const shard = join(store.location, 'sha256', ref.digest.slice(7, 9))
    expect(readdirSync(shard).filter((n) => n.startsWith('.tmp-'))).toEqual([])
    writeFileSync(join(shard, '.tmp-999-deadbeef'), 'half written')
    mkdirSync(join(store.location, 'sha256', 'zz'), { recursive: true })
    expect((await store.list()).map((r) => r.digest)).toContain(ref.digest)
    expect((await store.list()).every((r) => /^sha256:[0-9a-f]{64}$/.test(r.digest))).toBe(true)
  })

  it('does not follow a symlink planted in place of an artifact', async () => {
    const store = openLocalArtifactStore({ root: join(dir, 'planted') })
    const outside = join(dir, 'secret.txt')
    writeFileSync(outside, 'secret')
    const digest = digestOf('secret')
    const path = fileOf(store.location, digest)
    mkdirSync(join(path, '..'), { recursive: true })
    symlinkSync(outside, path)
    expect(await store.has(digest)).toBe(false)
    await expect(store.get(digest)).rejects.toMatchObject({ code: 'ARTIFACT_CORRUPT' })
    expect(await store.list()).toEqual([])
  })

  test.prop([fc.array(fc.uint8Array({ maxLength: 4096 }), { maxLength: 6 })], { numRuns: 40 })(
    'put → get is the identity and the digest is the sha256 of the concatenated chunks',
    async (chunks) => {
      const store = openLocalArtifactStore({ root: join(dir, 'prop') })
      const whole = Buffer.concat(chunks)
      const ref = await store.put(
        (async function* () {
          yield* chunks
        })(),
      )
      expect(ref).toEqual({ digest: digestOf(whole), size: whole.length })
      expect(Buffer.from(await store.get(ref.digest)).equals(whole)).toBe(true)
    },
  )
})
