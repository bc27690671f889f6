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
    expect(host.peek('m', { version: '1' })).toBeUndefined()
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
})
