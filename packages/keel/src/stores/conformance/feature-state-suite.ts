/**
 * The conformance suite of the feature store's state on the metadata database: materialization
 * watermarks that only move forward (except through a reset), concurrent runs that cannot move one
 * back, and a feature log whose appends are all or nothing and whose reads come back in append
 * order, exactly, filtered by known time.
 */
import assert from 'node:assert/strict'
import { createSqlFeatureLogStore } from '../features/sql-feature-log-store.js'
import { createSqlMaterializationStateStore } from '../features/sql-materialization-state-store.js'
import type { FeatureLogRow, LoggedFeatureRow } from '../features/feature-log-store.js'
import type { TestMetadataHandle } from './handles.js'
import { rejectsWithCode, type SuiteHost } from './suite-host.js'

const collect = async (it: AsyncIterable<LoggedFeatureRow[]>): Promise<LoggedFeatureRow[][]> => {
  const out: LoggedFeatureRow[][] = []
  for await (const batch of it) out.push(batch)
  return out
}

const strip = (rows: readonly LoggedFeatureRow[]): FeatureLogRow[] =>
  rows.map(({ key, eventTime, knownTime, values }) => ({ key, eventTime, knownTime, values }))

/** Register the feature-state conformance tests for one metadata backend. */
export const featureStateConformance = (
  host: SuiteHost,
  name: string,
  open: () => Promise<TestMetadataHandle>,
): void => {
  host.describe(`Feature state conformance: ${name}`, () => {
    let h: TestMetadataHandle
    host.beforeAll(async () => {
      h = await open()
    })
    host.afterAll(async () => {
      await h.cleanup()
    })

    host.it('moves a watermark forward only, until a reset', async () => {
      const state = createSqlMaterializationStateStore(h.metadata)
      const ref = { view: 'late_rate', version: 'aaaaaaaaaaaa', target: 'sqlite' }
      assert.equal(await state.get(ref), undefined)
      const first = await state.advance(ref, {
        watermark: 1000,
        pendingKnown: 900,
        rowsWritten: 3,
        at: 5,
      })
      assert.deepEqual(first, {
        ...ref,
        watermark: 1000,
        pendingKnown: 900,
        rowsWritten: 3,
        runs: 1,
        lastRunAt: 5,
        status: 'ready',
        lastError: null,
      })
      // The same watermark again is a rerun, not a conflict.
      const again = await state.advance(ref, {
        watermark: 1000,
        pendingKnown: null,
        rowsWritten: 0,
        at: 6,
      })
      assert.equal(again.runs, 2)
      assert.equal(again.pendingKnown, null)
      const e = await rejectsWithCode(
        state.advance(ref, { watermark: 999, pendingKnown: null, rowsWritten: 1, at: 7 }),
        'CONFLICT',
      )
      assert.deepEqual(e.details, { stored: 1000, requested: 999 })
      assert.equal((await state.get(ref))?.watermark, 1000)

      const failed = await state.fail(ref, 'online store down', 8)
      assert.equal(failed.status, 'failed')
      assert.equal(failed.watermark, 1000)
      assert.equal(failed.lastError, 'online store down')

      const reset = await state.reset(ref, 9)
      assert.equal(reset.status, 'rebuilding')
      assert.equal(reset.watermark, null)
      const back = await state.advance(ref, {
        watermark: 500.5,
        pendingKnown: null,
        rowsWritten: 2,
        at: 10,
      })
      assert.equal(back.watermark, 500.5)
      assert.equal(back.rowsWritten, 5)
      assert.equal(back.status, 'ready')
      assert.equal(back.lastError, null)
    })

    host.it('keeps view versions and targets apart and lists them in order', async () => {
      const state = createSqlMaterializationStateStore(h.metadata)
      const p = { watermark: 1, pendingKnown: null, rowsWritten: 1, at: 1 }
      await state.advance({ view: 'list_b', version: 'v1', target: 'redis' }, p)
      await state.advance({ view: 'list_a', version: 'v2', target: 'sqlite' }, p)
      await state.advance({ view: 'list_a', version: 'v1', target: 'sqlite' }, p)
      await state.advance(
        { view: 'list_a', version: 'v1', target: 'redis' },
        { ...p, watermark: 7 },
      )
      const listed = (await state.list()).filter((s) => s.view.startsWith('list_'))
      assert.deepEqual(
        listed.map((s) => [s.view, s.version, s.target, s.watermark]),
        [
          ['list_a', 'v1', 'redis', 7],
          ['list_a', 'v1', 'sqlite', 1],
          ['list_a', 'v2', 'sqlite', 1],
          ['list_b', 'v1', 'redis', 1],
        ],
      )
      assert.deepEqual(
        (await state.list({ view: 'list_b' })).map((s) => s.version),
        ['v1'],
      )
      await rejectsWithCode(
        state.get({ view: 'x', version: 'v', target: 'redis://127.0.0.1:6379' }),
        'INVALID_ARGUMENT',
      )
      await rejectsWithCode(
        state.advance({ view: 'x', version: 'v', target: 'sqlite' }, { ...p, watermark: NaN }),
        'INVALID_ARGUMENT',
      )
    })

    host.it('never moves a watermark back under concurrent runs', async () => {
      const other = await h.reopen()
      const a = createSqlMaterializationStateStore(h.metadata)
      const b = createSqlMaterializationStateStore(other)
      const ref = { view: 'race', version: 'v1', target: 'sqlite' }
      const marks = [5, 3, 9, 1, 7, 8, 2, 6]
      const outcomes = await Promise.allSettled(
        marks.map((w, i) =>
          (i % 2 === 0 ? a : b).advance(ref, {
            watermark: w,
            pendingKnown: null,
            rowsWritten: 1,
            at: i,
          }),
        ),
      )
      for (const o of outcomes) {
        if (o.status === 'rejected') assert.equal((o.reason as { code?: string }).code, 'CONFLICT')
      }
      const final = await a.get(ref)
      assert.equal(final?.watermark, 9)
      const succeeded = outcomes.filter((o) => o.status === 'fulfilled').length
      assert.equal(final?.runs, succeeded)
      assert.equal(final?.rowsWritten, succeeded)
    })

    host.it('appends and reads back a log exactly, in append order, in batches', async () => {
      const log = createSqlFeatureLogStore(h.metadata)
      const rows: FeatureLogRow[] = [
        { key: 'JFK', eventTime: 10, knownTime: 15, values: { rate: 0.30000000000000004, n: 3 } },
        { key: 'ünï:cøde', eventTime: 5, knownTime: 5, values: { rate: null, ok: true } },
        { key: 'JFK', eventTime: 10, knownTime: 12.5, values: { rate: -1e-300, cat: 'a"b' } },
        { key: '', eventTime: 1.7e12, knownTime: 1.7e12 + 1, values: {} },
        { key: 'SFO', eventTime: 20, knownTime: 30, values: { rate: 1 } },
      ]
      const seqs = await log.append('log_exact', rows.slice(0, 3))
      const more = await log.append('log_exact', rows.slice(3))
      assert.equal(seqs.length, 3)
      assert.equal(more.length, 2)
      const all = [...seqs, ...more]
      for (let i = 1; i < all.length; i++) assert.ok(all[i]! > all[i - 1]!)
      await log.append('log_other', [rows[0]!])

      const batches = await collect(log.read('log_exact', { batchSize: 2 }))
      assert.deepEqual(
        batches.map((b) => b.length),
        [2, 2, 1],
      )
      const read = batches.flat()
      assert.deepEqual(strip(read), rows)
      assert.deepEqual(
        read.map((r) => r.seq),
        all,
      )
      const window = (
        await collect(log.read('log_exact', { knownAfter: 12.5, knownAtOrBefore: 30 }))
      )
        .flat()
        .map((r) => r.knownTime)
      assert.deepEqual(window, [15, 30])
      assert.deepEqual(await collect(log.read('log_missing')), [])
      assert.deepEqual(await log.append('log_exact', []), [])
    })

    host.it('appends all rows or none', async () => {
      const log = createSqlFeatureLogStore(h.metadata)
      const bad = { key: 'k', eventTime: Number.NaN, knownTime: 1, values: {} }
      const e = await rejectsWithCode(
        log.append('log_atomic', [{ key: 'k', eventTime: 1, knownTime: 1, values: {} }, bad]),
        'INVALID_ARGUMENT',
      )
      assert.deepEqual((e as unknown as { path: unknown[] }).path, ['rows', 1, 'eventTime'])
      // A failure after the first statement of the transaction rolls the whole append back: a
      // value JSON cannot hold, past the first insert chunk.
      const rows = Array.from({ length: 1500 }, (_, i) => ({
        key: `k${i}`,
        eventTime: i,
        knownTime: i,
        values: (i === 1200 ? { v: 1n } : { v: i }) as unknown as Record<string, number>,
      }))
      await assert.rejects(log.append('log_atomic', rows))
      assert.deepEqual(await collect(log.read('log_atomic')), [])
    })
  })
}
