import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { createGbdt, createRng, Frame, isKeelError, ModelBundle, pinInputFields } from '@keel/core'
import { openStores, type KeelStores } from '../index.js'
import {
  DEFAULT_MODEL_ALIAS,
  formatModelRef,
  loadVersionBundle,
  loadVersionBundleAsync,
  parseModelRef,
  parseVersionNumber,
  refAlias,
  resolveModelRef,
} from './model-ref.js'

const codeOf = (f: () => unknown): string | undefined => {
  try {
    f()
  } catch (e) {
    return isKeelError(e) ? e.code : 'not a KeelError'
  }
  return undefined
}

describe('parseModelRef', () => {
  it('reads the three forms and writes them back', () => {
    for (const [text, ref] of [
      ['flights', { model: 'flights' }],
      ['flights@3', { model: 'flights', version: 3 }],
      ['flights:staging', { model: 'flights', alias: 'staging' }],
      ['my.model-2:latest', { model: 'my.model-2', alias: 'latest' }],
    ] as const) {
      expect(parseModelRef(text)).toEqual(ref)
      expect(formatModelRef(parseModelRef(text))).toBe(text)
    }
  })

  it('refuses what is not a reference, with INVALID_ARGUMENT at path model', () => {
    for (const bad of ['', '@3', ':prod', 'm@0', 'm@-1', 'm@1.5', 'm@x', 'm:', 'm@1:prod', 'a b']) {
      expect(
        codeOf(() => parseModelRef(bad)),
        bad,
      ).toBe('INVALID_ARGUMENT')
    }
  })

  it('gives each version one spelling: a leading zero is not another name for it', () => {
    expect(codeOf(() => parseModelRef('m@01'))).toBe('INVALID_ARGUMENT')
    expect(codeOf(() => parseModelRef('m@1e0'))).toBe('INVALID_ARGUMENT')
  })

  it('a bare name follows production; a version follows no alias', () => {
    expect(DEFAULT_MODEL_ALIAS).toBe('production')
    expect(refAlias(parseModelRef('m'))).toBe('production')
    expect(refAlias(parseModelRef('m:staging'))).toBe('staging')
    expect(refAlias(parseModelRef('m@2'))).toBeNull()
  })
})

describe('parseVersionNumber', () => {
  it('reads positive decimal integers without leading zeros, and nothing else', () => {
    expect(parseVersionNumber('1')).toBe(1)
    expect(parseVersionNumber('10')).toBe(10)
    expect(parseVersionNumber(String(Number.MAX_SAFE_INTEGER))).toBe(Number.MAX_SAFE_INTEGER)
    for (const bad of [
      '',
      '0',
      '01',
      '00',
      '1.0',
      '1e0',
      '0x1',
      '0b1',
      '0o1',
      '+1',
      '-1',
      ' 1',
      '1 ',
      '１',
      '9007199254740993',
      'Infinity',
      'NaN',
    ]) {
      expect(parseVersionNumber(bad), bad).toBeUndefined()
    }
  })
})

describe('resolveModelRef', () => {
  let dir: string
  let stores: KeelStores
  beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), 'keel-model-ref-'))
    stores = await openStores({ dir, url: `sqlite:${join(dir, 'keel.db')}` })
    for (let i = 0; i < 2; i++) {
      const bundle = await stores.artifacts.put(new TextEncoder().encode(`{"v":${i}}`))
      await stores.registry.createVersion({ model: 'm', bundle })
    }
  })
  afterEach(async () => {
    await stores.close()
    rmSync(dir, { recursive: true, force: true })
  })

  it('resolves versions and aliases; a bare name without production says how to name one', async () => {
    expect((await resolveModelRef(stores.registry, parseModelRef('m@1'))).version.version).toBe(1)
    const latest = await resolveModelRef(stores.registry, parseModelRef('m:latest'))
    expect(latest.version.version).toBe(2)
    expect(latest.chosenBy).toBe('alias latest')
    const err = await resolveModelRef(stores.registry, parseModelRef('m')).catch((e: unknown) => e)
    expect(isKeelError(err) && err.code).toBe('NOT_FOUND')
    expect(isKeelError(err) && err.hint).toContain('m@<version>')
    await stores.registry.promote('m', 1, 'production', { reason: 'test' })
    const prod = await resolveModelRef(stores.registry, parseModelRef('m'))
    expect(prod.version.version).toBe(1)
    expect(prod.chosenBy).toBe('alias production')
  })
})

describe('loadVersionBundleAsync', () => {
  let dir: string
  let stores: KeelStores
  beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), 'keel-model-ref-'))
    stores = await openStores({ dir, url: `sqlite:${join(dir, 'keel.db')}` })
  })
  afterEach(async () => {
    await stores.close()
    rmSync(dir, { recursive: true, force: true })
  })

  /** A GBDT bundle registered as `m` v1; its evaluation is padded past two 1 MiB read chunks. */
  const register = async (text?: string) => {
    const rng = createRng(4)
    const rows = Array.from({ length: 300 }, () => ({ x: rng.float(), k: rng.int(3) }))
    const X = Frame.fromRows(rows, { x: 'numeric', k: 'numeric' })
    const y = Float64Array.from(rows, (r) => (r.x + 0.2 * r.k > 0.7 ? 1 : 0))
    const model = createGbdt({ nEstimators: 10, maxDepth: 3 }).fit(
      { X, y, task: 'binary', classes: ['no', 'yes'] },
      { rng: createRng(4) },
    )
    const bundle = ModelBundle.create({
      name: 'm',
      task: 'binary',
      label: { column: 'y', classes: ['no', 'yes'] },
      inputs: pinInputFields(X, ['x', 'k']),
      model,
      evaluation: { note: 'x'.repeat(2_500_000) },
    })
    const ref = await stores.artifacts.put(text ?? JSON.stringify(bundle.toJSON()))
    return { version: await stores.registry.createVersion({ model: 'm', bundle: ref }), X }
  }

  const errorOf = async (f: () => Promise<unknown>) => {
    const e = await f().then(
      () => undefined,
      (err: unknown) => err,
    )
    return isKeelError(e) ? { code: e.code, message: e.message } : e
  }

  it('reads the bundle in chunks and gives the one loadVersionBundle gives', async () => {
    const { version, X } = await register()
    expect(version.bundle.size).toBeGreaterThan(2 * 1024 * 1024)
    const sync = await loadVersionBundle(stores, version)
    const async = await loadVersionBundleAsync(stores, version)
    expect(async.toJSON()).toEqual(sync.toJSON())
    expect(Array.from(async.predict(X).raw)).toEqual(Array.from(sync.predict(X).raw))
  })

  it('refuses a tampered artifact and bytes that are not JSON as loadVersionBundle does', async () => {
    const { version } = await register()
    const digest = version.bundle.digest.slice('sha256:'.length)
    const file = join(stores.artifacts.location, 'sha256', digest.slice(0, 2), digest.slice(2))
    writeFileSync(file, readFileSync(file, 'utf8').replace('"threshold":', '"threshold":0,"x":'))
    const tampered = await errorOf(() => loadVersionBundleAsync(stores, version))
    expect(tampered).toMatchObject({ code: 'ARTIFACT_CORRUPT' })
    expect(tampered).toEqual(await errorOf(() => loadVersionBundle(stores, version)))

    const notJson = (await register('{"format": "keel-bundle", ')).version
    const err = await errorOf(() => loadVersionBundleAsync(stores, notJson))
    expect(err).toEqual({ code: 'ARTIFACT_CORRUPT', message: 'm v2: the bundle is not JSON' })
    expect(err).toEqual(await errorOf(() => loadVersionBundle(stores, notJson)))
  })

  it('a cancelled load stops with CANCELLED', async () => {
    const { version } = await register()
    const controller = new AbortController()
    controller.abort()
    expect(
      await errorOf(() => loadVersionBundleAsync(stores, version, { signal: controller.signal })),
    ).toMatchObject({ code: 'CANCELLED' })
  })
})
