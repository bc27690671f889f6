import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { isKeelError } from '@keel/core'
import { openStores, type KeelStores } from '../index.js'
import {
  DEFAULT_MODEL_ALIAS,
  formatModelRef,
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
