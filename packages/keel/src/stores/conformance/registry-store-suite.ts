/**
 * The conformance suite of {@link RegistryStore}: versions only for stored bundles, monotonic version
 * numbers under concurrency, aliases moved atomically with a consistent history, compare-and-set
 * promotion, status rules, diffs and lineage in both directions.
 */
import assert from 'node:assert/strict'
import { digestOf } from '../artifacts/digest.js'
import { createRegistryStore } from '../registry/sql-registry-store.js'
import type { RegistryStore } from '../registry/registry-store.js'
import type { AliasChange } from '../registry/types.js'
import { createTrackingStore } from '../tracking/sql-tracking-store.js'
import type { TrackingStore } from '../tracking/tracking-store.js'
import type { TestStoresHandle } from './handles.js'
import { rejectsWithCode, type SuiteHost } from './suite-host.js'

/**
 * Check that a model's alias history is one unbroken chain per alias (each move starts where the
 * previous one ended) that ends where the alias points now.
 */
export const assertAliasChains = (
  history: readonly AliasChange[],
  aliases: Readonly<Record<string, number>>,
): void => {
  const byAlias = new Map<string, AliasChange[]>()
  for (const c of [...history].reverse()) byAlias.set(c.alias, [...(byAlias.get(c.alias) ?? []), c])
  for (const [alias, changes] of byAlias) {
    let at: number | null = null
    for (const c of changes) {
      assert.equal(
        c.fromVersion,
        at,
        `alias ${alias}: a move from ${c.fromVersion} while it pointed at ${at}`,
      )
      assert.notEqual(c.toVersion, c.fromVersion)
      at = c.toVersion
    }
    assert.equal(
      aliases[alias] ?? null,
      at,
      `alias ${alias} points elsewhere than its history says`,
    )
  }
}

/** Register the registry conformance tests for one backend. */
export const registryStoreConformance = (
  host: SuiteHost,
  name: string,
  open: () => Promise<TestStoresHandle>,
): void => {
  host.describe(`RegistryStore conformance: ${name}`, () => {
    let h: TestStoresHandle
    let r: RegistryStore
    let t: TrackingStore
    const bundle = async (text: string) => (await h.artifacts.put(text)).digest
    host.beforeAll(async () => {
      h = await open()
      r = createRegistryStore({ metadata: h.metadata, artifacts: h.artifacts })
      t = createTrackingStore(h.metadata, { artifacts: h.artifacts })
    })
    host.afterAll(async () => {
      await h.cleanup()
    })

    host.it('registers a version only when its bundle is stored', async () => {
      await rejectsWithCode(
        r.createVersion({ model: 'm-missing', bundle: digestOf('not stored') }),
        'NOT_FOUND',
      )
      await rejectsWithCode(r.getModel('m-missing'), 'NOT_FOUND')
      await rejectsWithCode(
        r.createVersion({ model: 'm-missing', bundle: '../../etc/passwd' }),
        'INVALID_ARGUMENT',
      )
      const ref = await h.artifacts.put('bundle-1')
      const v = await r.createVersion({
        model: 'm-basic',
        bundle: ref,
        description: 'first',
        createdBy: 'ci',
      })
      assert.equal(v.version, 1)
      assert.deepEqual(v.bundle, ref)
      assert.equal(v.status, 'candidate')
      assert.deepEqual(v.aliases, [])
      assert.equal(v.createdBy, 'ci')
      assert.deepEqual(await r.getVersion('m-basic', 1), v)
      assert.equal((await r.getModel('m-basic')).latestVersion, 1)
    })

    host.it('registers a version with its card in one step, or not at all', async () => {
      const report = await h.artifacts.put('report-1')
      const card = {
        json: await h.artifacts.put('{"card":1}'),
        html: await h.artifacts.put('<p>1'),
      }
      const registration = { report: report.digest, card, blessed: true, summary: { auc: 0.8 } }
      // A card that is not stored, a number that is not the next one, bad input: nothing written.
      const missing = { ...card, html: { digest: digestOf('not stored'), size: 1 } }
      await rejectsWithCode(
        r.createVersion({
          model: 'm-card',
          bundle: await bundle('card-b1'),
          registration: { ...registration, card: missing },
        }),
        'NOT_FOUND',
      )
      await rejectsWithCode(
        r.createVersion({
          model: 'm-card',
          bundle: await bundle('card-b1'),
          registration: { ...registration, blessed: 'yes' as unknown as boolean },
        }),
        'INVALID_ARGUMENT',
      )
      await rejectsWithCode(
        r.createVersion({
          model: 'm-card',
          bundle: await bundle('card-b1'),
          registration,
          expectedVersion: 2,
        }),
        'CONFLICT',
      )
      await rejectsWithCode(r.getModel('m-card'), 'NOT_FOUND')
      const v = await r.createVersion({
        model: 'm-card',
        bundle: await bundle('card-b1'),
        status: 'approved',
        registration,
        expectedVersion: 1,
      })
      assert.equal(v.version, 1)
      const [registered, ...rest] = await r.listEvaluations('m-card', 1)
      assert.deepEqual(rest, [])
      assert.deepEqual(
        { ...registered, id: undefined, createdAt: undefined },
        {
          id: undefined,
          model: 'm-card',
          version: 1,
          kind: 'registration',
          report: report.digest,
          card,
          blessed: true,
          summary: { auc: 0.8 },
          runId: null,
          createdAt: undefined,
          createdBy: null,
        },
      )
    })

    host.it(
      'keeps later evaluations beside the registration card, never replacing it',
      async () => {
        const report = await h.artifacts.put('report-reg')
        const card = {
          json: await h.artifacts.put('{"card":"reg"}'),
          html: await h.artifacts.put('<p>reg'),
        }
        await r.createVersion({
          model: 'm-evals',
          bundle: await bundle('evals-b1'),
          status: 'approved',
          registration: { report: report.digest, card, blessed: true },
        })
        await r.promote('m-evals', 1, 'production', { actor: 'ci' })
        const run = await t.createRun({ experiment: 'm-evals' })
        const later = {
          report: (await h.artifacts.put('report-later')).digest,
          card: {
            json: await h.artifacts.put('{"card":"later"}'),
            html: await h.artifacts.put('<p>later'),
          },
          blessed: false,
          summary: { reasons: ['auc below 0.99'] },
          runId: run.id,
        }
        const added = await r.addEvaluation('m-evals', 1, later)
        assert.equal(added.kind, 'evaluation')
        assert.equal(added.blessed, false)
        assert.equal(added.runId, run.id)
        assert.deepEqual(added.card, later.card)
        const second = await r.addEvaluation('m-evals', 1, { ...later, runId: undefined })
        const listed = await r.listEvaluations('m-evals', 1)
        assert.deepEqual(
          listed.map((e) => [e.kind, e.blessed, e.card.html.digest]),
          [
            ['registration', true, card.html.digest],
            ['evaluation', false, later.card.html.digest],
            ['evaluation', false, later.card.html.digest],
          ],
        )
        assert.deepEqual(listed[2], second)
        // The version keeps its status and alias: a refusal later is recorded, not applied.
        const v = await r.getVersion('m-evals', 1)
        assert.equal(v.status, 'approved')
        assert.deepEqual(v.aliases, ['production'])
        await rejectsWithCode(r.addEvaluation('m-evals', 2, later), 'NOT_FOUND')
        await rejectsWithCode(
          r.addEvaluation('m-evals', 1, { ...later, runId: 'nope' }),
          'NOT_FOUND',
        )
        await rejectsWithCode(
          r.addEvaluation('m-evals', 1, { ...later, report: digestOf('never stored') }),
          'NOT_FOUND',
        )
        await rejectsWithCode(r.listEvaluations('m-evals', 9), 'NOT_FOUND')
        assert.equal((await r.listEvaluations('m-evals', 1)).length, 3)
      },
    )

    host.it('numbers versions monotonically, also under concurrent creation', async () => {
      const digests = await Promise.all(Array.from({ length: 12 }, (_, i) => bundle(`conc-${i}`)))
      const other = createRegistryStore({ metadata: await h.reopen(), artifacts: h.artifacts })
      const created = await Promise.all(
        digests.map((d, i) =>
          (i % 2 === 0 ? r : other).createVersion({ model: 'm-conc', bundle: d }),
        ),
      )
      assert.deepEqual(
        created.map((v) => v.version).sort((a, b) => a - b),
        Array.from({ length: 12 }, (_, i) => i + 1),
      )
      const listed = await r.listVersions('m-conc')
      assert.deepEqual(
        listed.map((v) => v.version),
        Array.from({ length: 12 }, (_, i) => 12 - i),
      )
      assert.equal((await r.listVersions('m-conc', { limit: 3 })).length, 3)
    })

    host.it('moves aliases atomically and records who, when, from, to and why', async () => {
      for (let i = 0; i < 3; i++)
        await r.createVersion({ model: 'm-alias', bundle: await bundle(`alias-${i}`) })
      const c1 = await r.promote('m-alias', 1, 'production', {
        actor: 'ana',
        reason: 'first launch',
      })
      assert.deepEqual(
        [c1.fromVersion, c1.toVersion, c1.actor, c1.reason],
        [null, 1, 'ana', 'first launch'],
      )
      await r.promote('m-alias', 2, 'staging')
      const c3 = await r.promote('m-alias', 2, 'production', {
        actor: 'loop',
        reason: 'gate passed',
      })
      assert.deepEqual([c3.fromVersion, c3.toVersion], [1, 2])
      const again = await r.promote('m-alias', 2, 'production', { actor: 'someone' })
      assert.equal(again.id, c3.id, 'a no-op promote returns the move that set the alias')
      assert.equal((await r.getByAlias('m-alias', 'production')).version, 2)
      assert.deepEqual((await r.getVersion('m-alias', 2)).aliases, ['production', 'staging'])
      assert.deepEqual((await r.getModel('m-alias')).aliases, { production: 2, staging: 2 })
      assert.equal((await r.getByAlias('m-alias', 'latest')).version, 3)
      const history = await r.aliasHistory('m-alias')
      assert.deepEqual(
        history.map((c) => [c.alias, c.fromVersion, c.toVersion]),
        [
          ['production', 1, 2],
          ['staging', null, 2],
          ['production', null, 1],
        ],
      )
      assert.deepEqual((await r.aliasHistory('m-alias', { alias: 'staging' })).length, 1)
      const removed = await r.removeAlias('m-alias', 'staging', { actor: 'ana', reason: 'cleanup' })
      assert.deepEqual([removed.fromVersion, removed.toVersion], [2, null])
      await rejectsWithCode(r.getByAlias('m-alias', 'staging'), 'NOT_FOUND')
      await rejectsWithCode(r.removeAlias('m-alias', 'staging'), 'NOT_FOUND')
      assertAliasChains(await r.aliasHistory('m-alias'), (await r.getModel('m-alias')).aliases)
    })

    host.it('promotes only with the expected current version when asked to', async () => {
      await r.createVersion({ model: 'm-cas', bundle: await bundle('cas-1') })
      await r.createVersion({ model: 'm-cas', bundle: await bundle('cas-2') })
      await r.promote('m-cas', 1, 'production', { expectedVersion: null })
      await rejectsWithCode(
        r.promote('m-cas', 2, 'production', { expectedVersion: null }),
        'CONFLICT',
      )
      await rejectsWithCode(
        r.removeAlias('m-cas', 'production', { expectedVersion: 2 }),
        'CONFLICT',
      )
      await r.promote('m-cas', 2, 'production', { expectedVersion: 1 })
      assert.equal((await r.getByAlias('m-cas', 'production')).version, 2)
    })

    host.it('serializes concurrent promotes into one consistent history', async () => {
      for (let i = 0; i < 4; i++)
        await r.createVersion({ model: 'm-race', bundle: await bundle(`race-${i}`) })
      const other = createRegistryStore({ metadata: await h.reopen(), artifacts: h.artifacts })
      await Promise.all(
        Array.from({ length: 24 }, (_, i) =>
          (i % 2 === 0 ? r : other).promote(
            'm-race',
            (i % 4) + 1,
            i % 3 === 0 ? 'staging' : 'production',
            { actor: `w${i}` },
          ),
        ),
      )
      assertAliasChains(await r.aliasHistory('m-race'), (await r.getModel('m-race')).aliases)
    })

    host.it('enforces version status rules', async () => {
      await r.createVersion({ model: 'm-status', bundle: await bundle('status-1') })
      await r.createVersion({
        model: 'm-status',
        bundle: await bundle('status-2'),
        status: 'approved',
      })
      await r.promote('m-status', 1, 'production')
      await rejectsWithCode(r.setVersionStatus('m-status', 1, 'archived'), 'CONFLICT')
      await r.setVersionStatus('m-status', 2, 'rejected')
      await rejectsWithCode(r.promote('m-status', 2, 'production'), 'CONFLICT')
      assert.deepEqual(
        (await r.listVersions('m-status', { status: 'rejected' })).map((v) => v.version),
        [2],
      )
      await rejectsWithCode(r.promote('m-status', 9, 'production'), 'NOT_FOUND')
      await rejectsWithCode(r.promote('m-status', 1, 'latest'), 'INVALID_ARGUMENT')
      await rejectsWithCode(r.promote('m-status', 1, 'Prod uction'), 'INVALID_ARGUMENT')
      await rejectsWithCode(r.promote('../m', 1, 'production'), 'INVALID_ARGUMENT')
      await rejectsWithCode(r.getVersion('m-status', 0), 'INVALID_ARGUMENT')
      await rejectsWithCode(r.createModel('m-status'), 'CONFLICT')
      await rejectsWithCode(
        r.createVersion({
          model: 'm-status',
          bundle: await bundle('s3'),
          evaluation: { auc: Number.NaN },
        }),
        'INVALID_ARGUMENT',
      )
      assert.equal(
        (await r.getModel('m-status')).latestVersion,
        2,
        'a refused version takes no number',
      )
    })

    host.it('records lineage and answers it in both directions', async () => {
      const run = await t.createRun({
        experiment: 'lineage',
        params: { depth: 6, eta: 0.1 },
        inputs: [
          { fingerprint: 'fp-jan', role: 'train' },
          { fingerprint: 'fp-feb', role: 'validation' },
        ],
      })
      await t.logMetrics(run.id, { auc: 0.71, logloss: 0.4 })
      const v1 = await r.createVersion({
        model: 'm-lineage',
        bundle: await bundle('lin-1'),
        sourceRunId: run.id,
        evaluation: { auc: 0.71, slices: [{ n: 10 }] },
      })
      assert.deepEqual(v1.datasets, [
        { fingerprint: 'fp-jan', role: 'train' },
        { fingerprint: 'fp-feb', role: 'validation' },
      ])
      const run2 = await t.createRun({ experiment: 'lineage', params: { depth: 8, eta: 0.1 } })
      await t.logMetrics(run2.id, { auc: 0.74, brier: 0.1 })
      const v2 = await r.createVersion({
        model: 'm-lineage',
        bundle: await bundle('lin-2'),
        sourceRunId: run2.id,
        parent: { version: 1 },
        datasets: [
          { fingerprint: 'fp-jan', role: 'train' },
          { fingerprint: 'fp-mar', role: 'test' },
        ],
        evaluation: { auc: 0.74, slices: [{ n: 12 }] },
      })
      assert.deepEqual(v2.parent, { model: 'm-lineage', version: 1 })
      await rejectsWithCode(
        r.createVersion({ model: 'm-lineage', bundle: await bundle('x'), sourceRunId: 'nope' }),
        'NOT_FOUND',
      )
      await rejectsWithCode(
        r.createVersion({ model: 'm-lineage', bundle: await bundle('x'), parent: { version: 99 } }),
        'NOT_FOUND',
      )
      assert.equal(
        (await r.getModel('m-lineage')).latestVersion,
        2,
        'a rolled-back version takes no number',
      )

      const lin = await r.lineage('m-lineage', 2)
      assert.equal(lin.run?.id, run2.id)
      assert.equal(lin.run?.params.depth, '8')
      assert.deepEqual(lin.ancestors, [{ model: 'm-lineage', version: 1 }])
      assert.deepEqual((await r.lineage('m-lineage', 1)).descendants, [
        { model: 'm-lineage', version: 2 },
      ])
      assert.deepEqual(
        (await r.versionsUsingDataset('fp-jan')).map((u) => [u.model, u.version, u.role]),
        [
          ['m-lineage', 1, 'train'],
          ['m-lineage', 2, 'train'],
        ],
      )
      assert.deepEqual((await r.versionsUsingDataset('fp-feb', { role: 'train' })).length, 0)

      const diff = await r.diffVersions('m-lineage', 1, 2)
      assert.equal(diff.bundleChanged, true)
      assert.deepEqual(diff.params, [{ key: 'depth', from: '6', to: '8' }])
      assert.deepEqual(
        diff.metrics.map((m) => [m.key, m.from, m.to]),
        [
          ['auc', 0.71, 0.74],
          ['brier', null, 0.1],
          ['logloss', 0.4, null],
        ],
      )
      assert.ok(Math.abs((diff.metrics[0]?.delta ?? 0) - 0.03) < 1e-12)
      assert.deepEqual(diff.evaluation, [
        { key: 'auc', from: 0.71, to: 0.74 },
        { key: 'slices[0].n', from: 10, to: 12 },
      ])
      assert.deepEqual(diff.datasets.added, [{ fingerprint: 'fp-mar', role: 'test' }])
      assert.deepEqual(diff.datasets.removed, [{ fingerprint: 'fp-feb', role: 'validation' }])
      assert.deepEqual(diff.parent, { from: null, to: { model: 'm-lineage', version: 1 } })
    })
  })
}
