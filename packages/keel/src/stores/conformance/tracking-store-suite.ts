/**
 * The conformance suite of {@link TrackingStore}, part 1: experiments, runs and what is logged to
 * them — defaults, immutability of params, metric history and latest values, atomic batches,
 * parent and child runs, comparison and bulk import.
 */
import assert from 'node:assert/strict'
import { spawnSync } from 'node:child_process'
import { hostname } from 'node:os'
import type { TrackingStore } from '../tracking/tracking-store.js'
import { createTrackingStore } from '../tracking/sql-tracking-store.js'
import { KEEL_VERSION } from '../../version.js'
import { digestOf } from '../artifacts/digest.js'
import type { TestStoresHandle } from './handles.js'
import { rejectsWithCode, type SuiteHost } from './suite-host.js'

/** Register the tracking conformance tests (runs and logging) for one backend. */
export const trackingStoreConformance = (
  host: SuiteHost,
  name: string,
  open: () => Promise<TestStoresHandle>,
): void => {
  host.describe(`TrackingStore conformance: ${name}`, () => {
    let h: TestStoresHandle
    let t: TrackingStore
    host.beforeAll(async () => {
      h = await open()
      t = createTrackingStore(h.metadata, { artifacts: h.artifacts })
    })
    host.afterAll(async () => {
      await h.cleanup()
    })

    host.it('creates experiments once and finds them by name', async () => {
      const e = await t.createExperiment('exp-create', { description: 'first' })
      assert.equal(e.name, 'exp-create')
      assert.equal(e.description, 'first')
      await rejectsWithCode(t.createExperiment('exp-create'), 'CONFLICT')
      assert.deepEqual(await t.getExperiment('exp-create'), e)
      assert.ok((await t.listExperiments()).some((x) => x.id === e.id))
      await rejectsWithCode(t.getExperiment('exp-missing'), 'NOT_FOUND')
      await rejectsWithCode(t.createExperiment('  '), 'INVALID_ARGUMENT')
    })

    host.it('starts a run with everything recorded about where it ran', async () => {
      const run = await t.createRun({
        experiment: 'exp-run',
        name: 'gbdt baseline',
        params: { learning_rate: 0.1, max_depth: 6, early_stop: true, loss: 'logloss' },
        tags: { model: 'gbdt' },
        inputs: [
          { fingerprint: 'fp-train-1', role: 'train', name: 'flights' },
          { fingerprint: 'fp-val-1', role: 'validation' },
        ],
        git: { commit: 'a'.repeat(40), dirty: true },
        seed: 42,
        environment: { cpus: 2 },
        startTime: 1_750_000_000_000,
      })
      assert.equal(run.status, 'running')
      assert.equal(run.experimentName, 'exp-run')
      assert.equal(run.name, 'gbdt baseline')
      assert.equal(run.startTime, 1_750_000_000_000)
      assert.equal(run.endTime, null)
      assert.equal(run.durationMs, null)
      assert.deepEqual(run.params, {
        early_stop: 'true',
        learning_rate: '0.1',
        loss: 'logloss',
        max_depth: '6',
      })
      assert.deepEqual(run.tags, { model: 'gbdt' })
      assert.deepEqual(run.inputs, [
        { fingerprint: 'fp-train-1', role: 'train', name: 'flights' },
        { fingerprint: 'fp-val-1', role: 'validation' },
      ])
      assert.deepEqual(run.git, { commit: 'a'.repeat(40), dirty: true })
      assert.equal(run.seed, 42)
      assert.equal(run.environment.node, process.version)
      assert.equal(run.environment.keel, KEEL_VERSION)
      assert.equal(run.environment.cpus, 2)
      assert.deepEqual(await t.getRun(run.id), run)
      const plain = await t.createRun({ experiment: 'exp-run' })
      assert.match(plain.name, /^run-/)
      assert.equal(plain.git, null)
      assert.equal(plain.seed, null)
      assert.ok(plain.id > run.id, 'ids sort in creation order')
    })

    host.it('keeps params immutable and rejects a conflicting batch as a whole', async () => {
      const run = await t.createRun({ experiment: 'exp-params', params: { depth: 6 } })
      await t.logParams(run.id, { depth: '6', rounds: 100 })
      const e = await rejectsWithCode(t.logParams(run.id, { depth: 7, eta: 0.3 }), 'CONFLICT')
      assert.equal(e.details.logged, '6')
      assert.deepEqual((await t.getRun(run.id)).params, { depth: '6', rounds: '100' })
      await rejectsWithCode(t.logParams(run.id, { 'bad key!': 1 }), 'INVALID_ARGUMENT')
      await rejectsWithCode(t.logParams(run.id, { big: 'x'.repeat(6001) }), 'INVALID_ARGUMENT')
      await rejectsWithCode(t.logParams(run.id, { nan: Number.NaN }), 'INVALID_ARGUMENT')
      await rejectsWithCode(t.logParams('no-such-run', { a: 1 }), 'NOT_FOUND')
    })

    host.it('appends metric history and keeps the latest value by step', async () => {
      const run = await t.createRun({ experiment: 'exp-metrics' })
      await t.logMetrics(run.id, { loss: 0.9, auc: 0.6 }, { step: 0, timestamp: 1000 })
      await t.logMetrics(run.id, [
        { key: 'loss', value: 0.5, step: 2, timestamp: 3000 },
        { key: 'loss', value: 0.7, step: 1, timestamp: 2000 },
        { key: 'auc', value: 0.8, step: 2, timestamp: 3000 },
      ])
      // An old step logged late does not replace the newer value.
      await t.logMetrics(run.id, [{ key: 'loss', value: 0.95, step: 1, timestamp: 4000 }])
      assert.deepEqual((await t.getRun(run.id)).metrics, { auc: 0.8, loss: 0.5 })
      const history = await t.getMetricHistory(run.id, 'loss')
      assert.deepEqual(
        history.map((p) => [p.step, p.value, p.timestamp]),
        [
          [0, 0.9, 1000],
          [1, 0.7, 2000],
          [1, 0.95, 4000],
          [2, 0.5, 3000],
        ],
      )
      const e = await rejectsWithCode(
        t.logMetrics(run.id, [
          { key: 'ok', value: 1 },
          { key: 'bad', value: Number.NaN },
        ]),
        'INVALID_ARGUMENT',
      )
      assert.match(e.message, /finite/)
      await rejectsWithCode(
        t.logMetrics(run.id, [{ key: 'x', value: Infinity }]),
        'INVALID_ARGUMENT',
      )
      await rejectsWithCode(
        t.logMetrics(run.id, [{ key: 'x', value: 1, step: -1 }]),
        'INVALID_ARGUMENT',
      )
      assert.equal((await t.getRun(run.id)).metrics.ok, undefined)
      await rejectsWithCode(t.logMetrics('no-such-run', { a: 1 }), 'NOT_FOUND')
    })

    host.it('logs a large metric batch in one transaction', async () => {
      const run = await t.createRun({ experiment: 'exp-metrics' })
      const batch = Array.from({ length: 5000 }, (_, i) => ({
        key: `m${i % 50}`,
        value: i,
        step: Math.floor(i / 50),
      }))
      await t.logMetrics(run.id, batch)
      const got = await t.getRun(run.id)
      assert.equal(Object.keys(got.metrics).length, 50)
      assert.equal(got.metrics.m49, 4999)
      assert.equal((await t.getMetricHistory(run.id, 'm0')).length, 100)
    })

    host.it('sets tags, inputs and artifacts', async () => {
      const run = await t.createRun({ experiment: 'exp-tags', tags: { stage: 'dev' } })
      await t.setTags(run.id, { stage: 'review', owner: 'ana' })
      await t.logInputs(run.id, [{ fingerprint: 'fp-test', role: 'test' }])
      await t.logInputs(run.id, [{ fingerprint: 'fp-test', role: 'test' }])
      await rejectsWithCode(
        t.logInputs(run.id, [{ fingerprint: 'x', role: 'holdout' as 'test' }]),
        'INVALID_ARGUMENT',
      )
      const ref = await h.artifacts.put('{"report":1}')
      await t.logArtifacts(run.id, { 'report.json': ref })
      await rejectsWithCode(
        t.logArtifacts(run.id, { 'missing.json': { digest: digestOf('never stored'), size: 12 } }),
        'NOT_FOUND',
      )
      await rejectsWithCode(
        t.logArtifacts(run.id, { x: { digest: '../../etc/passwd', size: 1 } }),
        'INVALID_ARGUMENT',
      )
      const got = await t.getRun(run.id)
      assert.deepEqual(got.tags, { owner: 'ana', stage: 'review' })
      assert.deepEqual(got.inputs, [{ fingerprint: 'fp-test', role: 'test' }])
      assert.deepEqual(got.artifacts, { 'report.json': ref })
    })

    host.it('ends a run once, with its duration', async () => {
      const run = await t.createRun({ experiment: 'exp-end', startTime: 10_000 })
      await t.endRun(run.id, { status: 'failed', endTime: 12_500 })
      const got = await t.getRun(run.id)
      assert.equal(got.status, 'failed')
      assert.equal(got.durationMs, 2500)
      await rejectsWithCode(t.endRun(run.id), 'CONFLICT')
      const early = await t.createRun({ experiment: 'exp-end', startTime: 10_000 })
      await rejectsWithCode(t.endRun(early.id, { endTime: 9_999 }), 'INVALID_ARGUMENT')
      await rejectsWithCode(
        t.endRun(early.id, { status: 'running' as 'finished' }),
        'INVALID_ARGUMENT',
      )
      assert.equal((await t.getRun(early.id)).status, 'running')
      await rejectsWithCode(t.endRun('no-such-run'), 'NOT_FOUND')
      await rejectsWithCode(t.getRun('no-such-run'), 'NOT_FOUND')
    })

    host.it('keeps a lease alive by heartbeats, its running children too', async () => {
      const parent = await t.createRun({
        experiment: 'exp-lease',
        startTime: 50_000,
        lease: { ms: 1_000 },
      })
      assert.deepEqual(parent.lease, {
        heartbeatAt: 50_000,
        leaseMs: 1_000,
        host: hostname(),
        pid: process.pid,
      })
      const child = await t.createRun({
        experiment: 'exp-lease',
        parentRunId: parent.id,
        startTime: 50_100,
        lease: { ms: 1_000 },
      })
      const ended = await t.createRun({
        experiment: 'exp-lease',
        parentRunId: parent.id,
        startTime: 50_100,
        lease: { ms: 1_000 },
      })
      await t.endRun(ended.id, { endTime: 50_200 })
      await t.heartbeat(parent.id, { at: 60_000 })
      assert.equal((await t.getRun(parent.id)).lease?.heartbeatAt, 60_000)
      assert.equal((await t.getRun(child.id)).lease?.heartbeatAt, 60_000)
      assert.equal((await t.getRun(ended.id)).lease?.heartbeatAt, 50_100)
      // A late beat never moves the heartbeat back.
      await t.heartbeat(parent.id, { at: 55_000 })
      assert.equal((await t.getRun(parent.id)).lease?.heartbeatAt, 60_000)
      await rejectsWithCode(t.heartbeat(ended.id), 'CONFLICT')
      await rejectsWithCode(t.heartbeat('no-such-run'), 'NOT_FOUND')
      const plain = await t.createRun({ experiment: 'exp-lease' })
      assert.equal(plain.lease, null)
      await rejectsWithCode(t.heartbeat(plain.id), 'INVALID_ARGUMENT')
      for (const ms of [0, -1, 1.5, 86_400_001]) {
        await rejectsWithCode(
          t.createRun({ experiment: 'exp-lease-bad', lease: { ms } }),
          'INVALID_ARGUMENT',
        )
      }
      await rejectsWithCode(t.getExperiment('exp-lease-bad'), 'NOT_FOUND')
    })

    host.it('reaps runs whose process is gone or whose lease expired, once', async () => {
      const owner = async (id: string, ownerHost: string, pid: number): Promise<void> => {
        await h.metadata.db
          .updateTable('runs')
          .set({ owner_host: ownerHost, owner_pid: pid })
          .where('id', '=', id)
          .execute()
      }
      // A process that has exited: its pid names nothing on this host.
      const gone = spawnSync(process.execPath, ['-e', '']).pid
      const now = 10_000_000
      const start = (lease: number) =>
        t.createRun({ experiment: 'exp-reap', startTime: now - 5_000, lease: { ms: lease } })
      const deadHere = await start(3_600_000)
      await owner(deadHere.id, hostname(), gone)
      const aliveHere = await start(1_000) // this process: alive however old its heartbeat
      const expiredElsewhere = await start(1_000)
      await owner(expiredElsewhere.id, 'another-host', 1)
      const freshElsewhere = await start(60_000)
      await owner(freshElsewhere.id, 'another-host', 1)
      const noLease = await t.createRun({ experiment: 'exp-reap', startTime: now - 5_000 })
      const child = await t.createRun({
        experiment: 'exp-reap',
        parentRunId: deadHere.id,
        startTime: now - 5_000,
        lease: { ms: 1_000 },
      })
      await owner(child.id, hostname(), gone)

      const reaped = await t.reapStaleRuns({ now })
      const mine = new Set([deadHere.id, expiredElsewhere.id, child.id])
      assert.deepEqual(
        reaped
          .filter((r) => mine.has(r.id))
          .map((r) => r.id)
          .sort(),
        [...mine].sort(),
      )
      for (const id of [aliveHere.id, freshElsewhere.id, noLease.id])
        assert.ok(!reaped.some((r) => r.id === id))
      const dead = await t.getRun(deadHere.id)
      assert.equal(dead.status, 'killed')
      assert.equal(dead.endTime, now - 5_000) // the last heartbeat, not the time of the reaping
      assert.match(dead.tags['keel.killed'] ?? '', new RegExp(`process ${gone} .* is gone`))
      const expired = await t.getRun(expiredElsewhere.id)
      assert.equal(expired.status, 'killed')
      assert.match(expired.tags['keel.killed'] ?? '', /no heartbeat for 5 s \(lease 1 s\)/)
      for (const id of [aliveHere.id, freshElsewhere.id, noLease.id])
        assert.equal((await t.getRun(id)).status, 'running')
      await rejectsWithCode(t.heartbeat(deadHere.id), 'CONFLICT')
      assert.ok(!(await t.reapStaleRuns({ now })).some((r) => mine.has(r.id)))
      await t.endRun(aliveHere.id)
      await t.endRun(freshElsewhere.id)
      await t.endRun(noLease.id)
    })

    host.it('links child runs to their parent within one experiment', async () => {
      const parent = await t.createRun({ experiment: 'exp-cv', name: 'cv' })
      const folds = []
      for (let i = 0; i < 3; i++) {
        folds.push(
          await t.createRun({ experiment: 'exp-cv', name: `fold-${i}`, parentRunId: parent.id }),
        )
      }
      const children = await t.searchRuns({ parentRunId: parent.id, orderBy: 'name' })
      assert.deepEqual(
        children.runs.map((r) => r.name),
        ['fold-0', 'fold-1', 'fold-2'],
      )
      assert.ok(children.runs.every((r) => r.parentRunId === parent.id))
      const top = await t.searchRuns({ experiment: 'exp-cv', parentRunId: null })
      assert.deepEqual(
        top.runs.map((r) => r.id),
        [parent.id],
      )
      await rejectsWithCode(
        t.createRun({ experiment: 'exp-other', parentRunId: parent.id }),
        'INVALID_ARGUMENT',
      )
      await rejectsWithCode(t.createRun({ experiment: 'exp-cv', parentRunId: 'nope' }), 'NOT_FOUND')
    })

    host.it('compares runs key by key', async () => {
      const a = await t.createRun({
        experiment: 'exp-cmp',
        params: { depth: 4, eta: 0.1 },
        tags: { m: 'gbdt' },
      })
      const b = await t.createRun({ experiment: 'exp-cmp', params: { depth: 6, eta: 0.1 } })
      await t.logMetrics(a.id, { auc: 0.7 })
      await t.logMetrics(b.id, { auc: 0.75, loss: 0.4 })
      const c = await t.compareRuns([b.id, a.id])
      assert.deepEqual(
        c.runs.map((r) => r.id),
        [b.id, a.id],
      )
      assert.deepEqual(c.params, [
        { key: 'depth', values: ['6', '4'], differs: true },
        { key: 'eta', values: ['0.1', '0.1'], differs: false },
      ])
      assert.deepEqual(c.metrics, [
        { key: 'auc', values: [0.75, 0.7], differs: true },
        { key: 'loss', values: [0.4, null], differs: true },
      ])
      assert.deepEqual(c.tags, [{ key: 'm', values: [null, 'gbdt'], differs: true }])
      await rejectsWithCode(t.compareRuns([a.id, 'nope']), 'NOT_FOUND')
      await rejectsWithCode(t.compareRuns([]), 'INVALID_ARGUMENT')
    })

    host.it('imports complete runs all or nothing', async () => {
      const parent = await t.createRun({ experiment: 'exp-import' })
      const ids = await t.importRuns(
        Array.from({ length: 40 }, (_, i) => ({
          experiment: 'exp-import',
          parentRunId: parent.id,
          name: `trial-${i}`,
          params: { i },
          tags: { kind: 'trial' },
          startTime: 1000 + i,
          endTime: 2000 + i,
          metrics: [
            { key: 'auc', value: i / 40, step: 0, timestamp: 5 },
            { key: 'auc', value: i / 40 + 0.01, step: 1, timestamp: 6 },
          ],
        })),
      )
      assert.equal(ids.length, 40)
      const got = await t.getRun(ids[7] as string)
      assert.equal(got.status, 'finished')
      assert.equal(got.durationMs, 1000)
      assert.equal(got.metrics.auc, 7 / 40 + 0.01)
      assert.equal((await t.getMetricHistory(got.id, 'auc')).length, 2)
      const before = (await t.searchRuns({ experiment: 'exp-import', limit: 1000 })).runs.length
      const e = await rejectsWithCode(
        t.importRuns([
          { experiment: 'exp-import', params: { ok: 1 } },
          { experiment: 'exp-import', metrics: [{ key: 'auc', value: Number.NaN }] },
        ]),
        'INVALID_ARGUMENT',
      )
      assert.match(e.message, /finite/)
      await rejectsWithCode(
        t.importRuns([{ experiment: 'exp-import', parentRunId: 'missing' }]),
        'NOT_FOUND',
      )
      assert.equal(
        (await t.searchRuns({ experiment: 'exp-import', limit: 1000 })).runs.length,
        before,
      )
    })
  })
}
