/**
 * The conformance suite every {@link OnlineStore} backend must pass: exact round trips in batches,
 * separate namespaces, deletes, one TTL meaning (checked at explicit times and on the real clock),
 * argument checks and refusal after close.
 */
import assert from 'node:assert/strict'
import type { OnlineStore } from '../online/online-store.js'
import { rejectsWithCode, type SuiteHost } from './suite-host.js'

/** A backend under test: a fresh store, and a way to remove what it stored. */
export interface OnlineBackendHandle {
  readonly store: OnlineStore
  cleanup(): Promise<void>
}

/** Register the online-store conformance tests for one backend. */
export const onlineStoreConformance = (
  host: SuiteHost,
  name: string,
  open: () => Promise<OnlineBackendHandle>,
): void => {
  host.describe(`OnlineStore conformance: ${name}`, () => {
    let h: OnlineBackendHandle
    host.beforeAll(async () => {
      h = await open()
    })
    host.afterAll(async () => {
      await h.cleanup()
    })

    host.it('misses unknown keys and returns stored values exactly', async () => {
      const s = h.store
      assert.deepEqual(await s.getMany('exact', ['a', 'b']), [undefined, undefined])
      const odd = 'ünïcode: {"x": [1, 2]}\n\u0000 | : end'
      await s.setMany('exact', [
        ['a', '{"p":0.30000000000000004}'],
        ['c', odd],
        ['empty', ''],
      ])
      assert.deepEqual(await s.getMany('exact', ['a', 'b', 'c', 'empty']), [
        '{"p":0.30000000000000004}',
        undefined,
        odd,
        '',
      ])
      await s.setMany('exact', [['a', 'second']])
      assert.deepEqual(await s.getMany('exact', ['a']), ['second'])
      assert.deepEqual(await s.getMany('exact', []), [])
      await s.setMany('exact', [])
    })

    host.it('keeps namespaces apart, with keys that contain the separator', async () => {
      const s = h.store
      await s.setMany('ns-one', [
        ['k', 'one'],
        ['x:y', 'one-xy'],
      ])
      await s.setMany('ns-one.two', [['k', 'two']])
      assert.deepEqual(await s.getMany('ns-one', ['k', 'x:y']), ['one', 'one-xy'])
      assert.deepEqual(await s.getMany('ns-one.two', ['k', 'x:y']), ['two', undefined])
    })

    host.it('reads a large batch in the order asked, misses in place', async () => {
      const s = h.store
      const entries = Array.from({ length: 1000 }, (_, i) => [`key-${i}`, `value-${i}`] as const)
      await s.setMany(
        'batch',
        entries.filter((_, i) => i % 3 !== 0),
      )
      const keys = [...entries.map(([k]) => k)].reverse()
      const got = await s.getMany('batch', keys)
      assert.deepEqual(
        got,
        keys.map((k) => (Number(k.slice(4)) % 3 === 0 ? undefined : `value-${k.slice(4)}`)),
      )
    })

    host.it('reads keys across namespaces in one call, in the order asked', async () => {
      const s = h.store
      await s.setMany('across-a', [['k', 'a-k']])
      await s.setMany('across-b', [
        ['k', 'b-k'],
        ['x:y', 'b-xy'],
      ])
      assert.deepEqual(
        await s.getAcross([
          ['across-b', 'x:y'],
          ['across-a', 'k'],
          ['across-a', 'missing'],
          ['across-b', 'k'],
        ]),
        ['b-xy', 'a-k', undefined, 'b-k'],
      )
      assert.deepEqual(await s.getAcross([]), [])
      await rejectsWithCode(s.getAcross([['bad:ns', 'k']]), 'INVALID_ARGUMENT')
    })

    host.it('writes monotonically: an older or equal order never overwrites', async () => {
      const s = h.store
      const now = 1_000_000
      assert.equal(await s.setNewer('mono', [['k', 'e10', 10, 10]], { now }), 1)
      // Older event time: ignored, even with a later known time.
      assert.equal(await s.setNewer('mono', [['k', 'e5', 5, 50]], { now }), 0)
      // Same event and known time: ignored (a replay converges).
      assert.equal(await s.setNewer('mono', [['k', 'e10-again', 10, 10]], { now }), 0)
      assert.deepEqual(await s.getMany('mono', ['k'], { now }), ['e10'])
      // Same event time, later known time: wins (ties on event time go to the latest known).
      assert.equal(await s.setNewer('mono', [['k', 'e10-k12', 10, 12]], { now }), 1)
      // Later event time: wins; entries in one batch apply in order.
      assert.equal(
        await s.setNewer(
          'mono',
          [
            ['k', 'e20', 20, 25],
            ['k', 'e15', 15, 30],
            ['j', 'j1', 1, 1],
          ],
          { now },
        ),
        2,
      )
      assert.deepEqual(await s.getMany('mono', ['k', 'j'], { now }), ['e20', 'j1'])
      assert.deepEqual(await s.getAcross([['mono', 'k']], { now }), ['e20'])
      // A plain write has no order and is replaced by any monotone write.
      await s.setMany('mono', [['p', 'plain']])
      assert.equal(await s.setNewer('mono', [['p', 'ordered', -5, -5]], { now }), 1)
      assert.deepEqual(await s.getMany('mono', ['p'], { now }), ['ordered'])
    })

    host.it('lets a monotone write replace an expired entry whatever its order', async () => {
      const s = h.store
      // Real times: Redis drops a key whose expiry (PXAT) is already past.
      const t0 = Date.now()
      await s.setNewer('mono-ttl', [['k', 'new-but-expiring', 100, 100]], { now: t0, ttlMs: 1000 })
      assert.equal(await s.setNewer('mono-ttl', [['k', 'old', 50, 50]], { now: t0 + 500 }), 0)
      assert.equal(await s.setNewer('mono-ttl', [['k', 'old', 50, 50]], { now: t0 + 1000 }), 1)
      assert.deepEqual(await s.getMany('mono-ttl', ['k'], { now: t0 + 1000 }), ['old'])
    })

    host.it('deletes only the keys named, ignoring absent ones', async () => {
      const s = h.store
      await s.setMany('del', [
        ['a', '1'],
        ['b', '2'],
        ['c', '3'],
      ])
      await s.deleteMany('del', ['a', 'c', 'never-there'])
      assert.deepEqual(await s.getMany('del', ['a', 'b', 'c']), [undefined, '2', undefined])
      await s.deleteMany('del', [])
    })

    host.it('hides an entry from the instant now + ttl on, at explicit times', async () => {
      const s = h.store
      // Near the real clock, so a backend that also expires keys itself keeps them meanwhile.
      const t0 = Date.now()
      await s.setMany('ttl', [['k', 'v']], { ttlMs: 60_000, now: t0 })
      await s.setMany('ttl', [['forever', 'v']], { now: t0 })
      assert.deepEqual(await s.getMany('ttl', ['k'], { now: t0 }), ['v'])
      assert.deepEqual(await s.getMany('ttl', ['k'], { now: t0 + 59_999 }), ['v'])
      assert.deepEqual(await s.getMany('ttl', ['k'], { now: t0 + 60_000 }), [undefined])
      assert.deepEqual(await s.getMany('ttl', ['forever'], { now: t0 + 1e12 }), ['v'])
      // A write without a TTL replaces the expiry too.
      await s.setMany('ttl', [['k', 'w']], { now: t0 })
      assert.deepEqual(await s.getMany('ttl', ['k'], { now: t0 + 1e12 }), ['w'])
    })

    host.it('expires entries on the real clock by default', async () => {
      const s = h.store
      await s.setMany('ttl-real', [['k', 'v']], { ttlMs: 30 })
      assert.deepEqual(await s.getMany('ttl-real', ['k']), ['v'])
      await new Promise((r) => setTimeout(r, 80))
      assert.deepEqual(await s.getMany('ttl-real', ['k']), [undefined])
    })

    host.it('refuses bad namespaces and TTLs with INVALID_ARGUMENT', async () => {
      const s = h.store
      for (const ns of ['', 'a:b', 'with space', 'x'.repeat(129)]) {
        await rejectsWithCode(s.getMany(ns, ['k']), 'INVALID_ARGUMENT')
        await rejectsWithCode(s.setMany(ns, [['k', 'v']]), 'INVALID_ARGUMENT')
        await rejectsWithCode(s.deleteMany(ns, ['k']), 'INVALID_ARGUMENT')
      }
      for (const ttlMs of [0, -1, Number.NaN, Number.POSITIVE_INFINITY]) {
        await rejectsWithCode(s.setMany('bad-ttl', [['k', 'v']], { ttlMs }), 'INVALID_ARGUMENT')
      }
      assert.deepEqual(await s.getMany('bad-ttl', ['k']), [undefined])
    })

    host.it('fails with UNAVAILABLE once closed, and closes twice without harm', async () => {
      const other = await open()
      try {
        await other.store.setMany('closing', [['k', 'v']])
        await other.store.close()
        await other.store.close()
        await rejectsWithCode(other.store.getMany('closing', ['k']), 'UNAVAILABLE')
        await rejectsWithCode(other.store.setMany('closing', [['k', 'v']]), 'UNAVAILABLE')
        await rejectsWithCode(other.store.deleteMany('closing', ['k']), 'UNAVAILABLE')
      } finally {
        await other.cleanup()
      }
    })
  })
}
