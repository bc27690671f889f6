/**
 * The conformance suite of {@link TrackingStore}, part 2: `searchRuns`. A fixed population of runs is
 * searched with every operator, ordered by every kind of field and paged with cursors; each answer
 * is checked against the same question answered in plain TypeScript, on every engine.
 */
import assert from 'node:assert/strict'
import type { TrackingStore } from '../tracking/tracking-store.js'
import { createTrackingStore } from '../tracking/sql-tracking-store.js'
import type { RunRecord, SearchRunsOptions } from '../tracking/types.js'
import type { TestStoresHandle } from './handles.js'
import { rejectsWithCode, type SuiteHost } from './suite-host.js'

const EXPERIMENT = 'search-population'
const byId = (a: RunRecord, b: RunRecord): number => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0)
const N = 36

/** Register the searchRuns conformance tests for one backend. */
export const trackingSearchConformance = (
  host: SuiteHost,
  name: string,
  open: () => Promise<TestStoresHandle>,
): void => {
  host.describe(`TrackingStore.searchRuns conformance: ${name}`, () => {
    let h: TestStoresHandle
    let t: TrackingStore
    let all: RunRecord[]

    host.beforeAll(async () => {
      h = await open()
      t = createTrackingStore(h.metadata)
      const models = ['gbdt', 'linear', 'GBDT-v2']
      await t.importRuns(
        Array.from({ length: N }, (_, i) => ({
          experiment: EXPERIMENT,
          name: `run_${String(i).padStart(2, '0')}${i % 4 === 0 ? ' %special' : ''}`,
          params: { depth: i % 5, lr: i % 2 === 0 ? '0.1' : '0.01' },
          tags: {
            model: models[i % 3] as string,
            ...(i % 6 === 0 ? { note: "it's 50% done" } : {}),
          },
          status: i % 7 === 0 ? ('failed' as const) : ('finished' as const),
          startTime: 1_000_000 + i * 1000,
          endTime: 1_000_000 + i * 1000 + (i % 9) * 100,
          // Every 5th run has no auc; ties on auc for i and i+18.
          metrics:
            i % 5 === 4
              ? [{ key: 'loss', value: i }]
              : [
                  { key: 'auc', value: (i % 18) / 20 },
                  { key: 'loss', value: i },
                ],
        })),
      )
      await t.importRuns([
        {
          experiment: 'search-elsewhere',
          tags: { model: 'gbdt' },
          metrics: [{ key: 'auc', value: 0.99 }],
        },
      ])
      all = []
      let cursor: string | undefined
      do {
        const page = await t.searchRuns({
          experiment: EXPERIMENT,
          limit: 10,
          ...(cursor ? { cursor } : {}),
        })
        all.push(...page.runs)
        cursor = page.nextCursor
      } while (cursor)
    })
    host.afterAll(async () => {
      await h.cleanup()
    })

    const ids = (runs: readonly RunRecord[]): string[] => runs.map((r) => r.id)
    const search = async (options: SearchRunsOptions): Promise<RunRecord[]> => [
      ...(await t.searchRuns({ experiment: EXPERIMENT, limit: 1000, ...options })).runs,
    ]
    const sameSet = (got: readonly RunRecord[], want: readonly RunRecord[]): void =>
      assert.deepEqual(ids(got).sort(), ids(want).sort())

    host.it('lists every run once, newest first by default', async () => {
      assert.equal(all.length, N)
      assert.equal(new Set(ids(all)).size, N)
      const starts = all.map((r) => r.startTime)
      assert.deepEqual(
        starts,
        [...starts].sort((a, b) => b - a),
      )
    })

    host.it('filters by metric threshold and tag together', async () => {
      const got = await search({ filter: "metrics.auc > 0.5 AND tags.model = 'gbdt'" })
      sameSet(
        got,
        all.filter((r) => (r.metrics.auc ?? -1) > 0.5 && r.tags.model === 'gbdt'),
      )
      assert.ok(got.length > 0)
    })

    host.it('supports OR, parentheses, IN and NOT IN', async () => {
      sameSet(
        await search({
          filter: "(params.depth = 0 OR params.depth IN ('3', 4)) AND tags.model NOT IN ('linear')",
        }),
        all.filter(
          (r) => ['0', '3', '4'].includes(r.params.depth ?? '') && r.tags.model !== 'linear',
        ),
      )
      sameSet(
        await search({ filter: 'metrics.auc in (0, 0.05) or metrics.loss >= 34' }),
        all.filter((r) => [0, 0.05].includes(r.metrics.auc ?? -1) || (r.metrics.loss ?? -1) >= 34),
      )
    })

    host.it('treats missing metrics as absent, and finds them with IS NULL', async () => {
      sameSet(
        await search({ filter: 'metrics.auc IS NULL' }),
        all.filter((r) => r.metrics.auc === undefined),
      )
      sameSet(
        await search({ filter: 'metrics.auc != 0' }),
        all.filter((r) => r.metrics.auc !== undefined && r.metrics.auc !== 0),
      )
      sameSet(
        await search({ filter: 'tags.note is not null' }),
        all.filter((r) => r.tags.note !== undefined),
      )
    })

    host.it(
      'matches LIKE case-sensitively and ILIKE case-insensitively on every engine',
      async () => {
        sameSet(
          await search({ filter: "tags.model LIKE 'gbdt%'" }),
          all.filter((r) => r.tags.model === 'gbdt'),
        )
        sameSet(
          await search({ filter: "tags.model ILIKE 'gbdt%'" }),
          all.filter((r) => /^gbdt/i.test(r.tags.model ?? '')),
        )
        sameSet(
          await search({ filter: "name LIKE 'run\\_0_'" }),
          all.filter((r) => /^run_0\d$/.test(r.name)),
        )
        sameSet(
          await search({ filter: "attributes.name like '%\\%special'" }),
          all.filter((r) => r.name.endsWith('%special')),
        )
        sameSet(
          await search({ filter: "tags.note = 'it''s 50% done'" }),
          all.filter((r) => r.tags.note !== undefined),
        )
      },
    )

    host.it('filters on attributes', async () => {
      sameSet(
        await search({ filter: "status = 'failed'" }),
        all.filter((r) => r.status === 'failed'),
      )
      sameSet(
        await search({ filter: 'attributes.duration >= 500' }),
        all.filter((r) => (r.durationMs ?? 0) >= 500),
      )
      sameSet(
        await search({ filter: `start_time < 1010000 AND run_id != '${all[0]?.id}'` }),
        all.filter((r) => r.startTime < 1_010_000 && r.id !== all[0]?.id),
      )
    })

    host.it('never lets filter text become SQL', async () => {
      assert.deepEqual(await search({ filter: "tags.model = 'x'' OR 1=1 --'" }), [])
      assert.deepEqual(await search({ filter: "tags.`model' OR '1'='1` = 'gbdt'" }), [])
      await rejectsWithCode(
        t.searchRuns({ filter: 'metrics.auc > 0.5; drop table runs' }),
        'PARSE_ERROR',
      )
      assert.equal((await search({})).length, N)
    })

    host.it('orders by a metric with missing values last and ties broken by id', async () => {
      for (const direction of ['DESC', 'ASC'] as const) {
        const got = await search({ orderBy: `metrics.auc ${direction}` })
        const sign = direction === 'DESC' ? -1 : 1
        const want = [...all].sort((a, b) => {
          const x = a.metrics.auc
          const y = b.metrics.auc
          if (x === undefined || y === undefined)
            return x === y ? sign * byId(a, b) : x === undefined ? 1 : -1
          return x === y ? sign * byId(a, b) : sign * (x - y)
        })
        assert.deepEqual(ids(got), ids(want))
      }
    })

    host.it('orders text in byte order on every engine', async () => {
      const got = await search({ orderBy: 'tags.model asc' })
      const want = [...all].sort((a, b) => {
        const x = a.tags.model as string
        const y = b.tags.model as string
        return x === y ? byId(a, b) : x < y ? -1 : 1
      })
      assert.deepEqual(ids(got), ids(want))
    })

    host.it('pages with cursors through any order without gaps or repeats', async () => {
      for (const orderBy of [
        'metrics.auc DESC',
        'params.depth ASC',
        'name DESC',
        'attributes.duration ASC',
        'tags.note DESC',
      ]) {
        const full = await search({ orderBy })
        const paged: RunRecord[] = []
        let cursor: string | undefined
        let pages = 0
        do {
          const page = await t.searchRuns({
            experiment: EXPERIMENT,
            orderBy,
            limit: 7,
            ...(cursor ? { cursor } : {}),
          })
          paged.push(...page.runs)
          cursor = page.nextCursor
          pages += 1
        } while (cursor && pages < 20)
        assert.deepEqual(ids(paged), ids(full), orderBy)
      }
    })

    host.it('refuses a cursor from another search', async () => {
      const page = await t.searchRuns({ experiment: EXPERIMENT, limit: 5 })
      assert.ok(page.nextCursor)
      await rejectsWithCode(
        t.searchRuns({
          experiment: EXPERIMENT,
          limit: 5,
          orderBy: 'name',
          cursor: page.nextCursor,
        }),
        'INVALID_ARGUMENT',
      )
      await rejectsWithCode(t.searchRuns({ cursor: 'garbage' }), 'INVALID_ARGUMENT')
    })

    host.it('searches across experiments and validates its options', async () => {
      const everywhere = await t.searchRuns({ filter: 'metrics.auc > 0.9', limit: 1000 })
      assert.ok(everywhere.runs.some((r) => r.experimentName === 'search-elsewhere'))
      await rejectsWithCode(t.searchRuns({ experiment: 'no-such-experiment' }), 'NOT_FOUND')
      await rejectsWithCode(t.searchRuns({ limit: 0 }), 'INVALID_ARGUMENT')
      await rejectsWithCode(t.searchRuns({ limit: 1001 }), 'INVALID_ARGUMENT')
      await rejectsWithCode(t.searchRuns({ filter: "params.depth > '3'" }), 'INVALID_ARGUMENT')
      await rejectsWithCode(t.searchRuns({ filter: "metrics.auc = 'high'" }), 'INVALID_ARGUMENT')
      await rejectsWithCode(t.searchRuns({ filter: "status = 'paused'" }), 'INVALID_ARGUMENT')
      await rejectsWithCode(t.searchRuns({ filter: 'metrics.auc >' }), 'PARSE_ERROR')
      await rejectsWithCode(t.searchRuns({ orderBy: 'metrics.auc sideways' }), 'PARSE_ERROR')
    })
  })
}
