import { describe, expect, it } from 'vitest'
import { KeelError } from '@keel/core'
import { createMemoryBundleSource, type BundleSource } from './bundle-source.js'
import { createModelHost } from './model-host.js'
import { toyBundle } from './test-support/toy-bundle.js'

const source = () => {
  const s = createMemoryBundleSource()
  for (const v of ['1', '2', '3']) s.put('m', v, toyBundle({ shift: Number(v) }))
  s.setAlias('m', 'production', '1')
  return s
}

describe('createModelHost', () => {
  it('shares one load between concurrent first requests and serves later ones without a promise', async () => {
    const s = source()
    const host = createModelHost({ source: s })
    const got = await Promise.all(
      Array.from({ length: 10 }, () => host.get('m', { alias: 'production' })),
    )
    expect(new Set(got.map((g) => g.bundle)).size).toBe(1)
    expect(s.loads).toBe(1)
    expect(host.peek('m', { alias: 'production' })?.version).toBe('1')
    // The version the alias loaded is cached under its number: a pinned request for it is a hit.
    expect(host.peek('m', { version: '1' })?.bundle).toBe(got[0]!.bundle)
    expect(host.peek('m', { version: '2' })).toBeUndefined()
    host.close()
  })

  it('swaps an alias only after the new bundle loaded, and keeps the last good one when a reload fails', async () => {
    const s = source()
    let failResolve = false
    const flaky: BundleSource = {
      resolveVersion: (m, r) =>
        failResolve
          ? Promise.reject(new KeelError('UNAVAILABLE', 'registry down'))
          : s.resolveVersion(m, r),
      load: (m, v) => s.load(m, v),
    }
    const changes: string[] = []
    const host = createModelHost({
      source: flaky,
      onChange: (c) => changes.push(`${c.from}->${c.to}`),
    })
    await host.get('m', { alias: 'production' })
    s.setAlias('m', 'production', '2')
    failResolve = true
    const failed = await host.reload()
    expect(failed).toMatchObject({
      checked: 1,
      changed: [],
      failed: [{ model: 'm', alias: 'production', error: 'registry down' }],
    })
    expect(host.peek('m', { alias: 'production' })?.version).toBe('1')
    failResolve = false
    expect((await host.reload()).changed).toEqual([
      { model: 'm', alias: 'production', from: '1', to: '2' },
    ])
    expect(host.peek('m', { alias: 'production' })?.version).toBe('2')
    expect(changes).toEqual(['1->2'])
    host.close()
  })

  it('polls aliases on an interval', async () => {
    const s = source()
    const host = createModelHost({
      source: { resolveVersion: s.resolveVersion, load: s.load },
      pollIntervalMs: 10,
    })
    await host.get('m', { alias: 'production' })
    s.setAlias('m', 'production', '3')
    await new Promise((r) => setTimeout(r, 60))
    expect(host.peek('m', { alias: 'production' })?.version).toBe('3')
    host.close()
  })

  it('checks pinned versions and keeps a bounded number loaded', async () => {
    const s = source()
    const host = createModelHost({ source: s, maxCachedVersions: 2 })
    await expect(host.get('m', { version: '9' })).rejects.toMatchObject({ code: 'NOT_FOUND' })
    await expect(host.get('nope', { alias: 'production' })).rejects.toMatchObject({
      code: 'NOT_FOUND',
    })
    for (const v of ['1', '2', '3', '1']) await host.get('m', { version: v })
    // 1, 2, 3 loaded once each; 1 was evicted by 3 (capacity 2), so it loads again.
    expect(s.loads).toBe(4)
    await host.get('m', { version: '1' })
    expect(s.loads).toBe(4)
    host.close()
  })

  it('loads one bundle at a time, and refuses a request that would queue more than the bound', async () => {
    const s = source()
    for (const v of ['4', '5']) s.put('m', v, toyBundle({ shift: Number(v) }))
    let open = 0
    let most = 0
    const releases: (() => void)[] = []
    const gated: BundleSource = {
      resolveVersion: (m, r) => s.resolveVersion(m, r),
      load: async (m, v) => {
        open++
        most = Math.max(most, open)
        await new Promise<void>((r) => releases.push(r))
        open--
        return s.load(m, v)
      },
    }
    const host = createModelHost({ source: gated, maxCachedVersions: 2 })
    const first = [host.get('m', { version: '1' }), host.get('m', { version: '2' })]
    // Two loads wait (the bound): a third version is refused at once, not queued.
    await expect(host.get('m', { version: '3' })).rejects.toMatchObject({ code: 'UNAVAILABLE' })
    // Another request for a version already loading shares its load.
    const again = host.get('m', { version: '1' })
    while (releases.length > 0 || open > 0) {
      await new Promise((r) => setTimeout(r, 1))
      releases.shift()?.()
    }
    const got = await Promise.all([...first, again])
    expect(got.map((g) => g.version)).toEqual(['1', '2', '1'])
    expect(got[2]!.bundle).toBe(got[0]!.bundle)
    expect(most).toBe(1)
    expect(host.loads).toBe(2)
    host.close()
  })

  it('never evicts held versions, and reports evicted versions no alias serves', async () => {
    const s = source()
    for (const v of ['4', '5']) s.put('m', v, toyBundle({ shift: Number(v) }))
    const evicted: string[] = []
    const host = createModelHost({
      source: s,
      maxCachedVersions: 1,
      hold: [{ model: 'm', version: '5' }],
      onEvict: (m, v) => evicted.push(`${m}@${v}`),
    })
    await host.get('m', { version: '5' })
    await host.get('m', { alias: 'production' }) // v1
    for (const v of ['2', '3', '4']) await host.get('m', { version: v })
    // v1 left the cache but the production alias still serves it: its metrics stay.
    expect(evicted).toEqual(['m@2', 'm@3'])
    expect(host.cachedVersions()).toBe(2) // the held v5 and the most recent, v4
    expect(host.peek('m', { version: '5' })?.version).toBe('5')
    expect(host.peek('m', { alias: 'production' })?.version).toBe('1')
    host.close()
  })
})
