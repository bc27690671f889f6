import { rmSync } from 'node:fs'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { openStores, type KeelStores } from '../stores/index.js'
import { tempDir } from '../stores/test-support/backends.js'
import { commonMetricKeys, compareRuns, importRuns, listRuns, showRun } from './runs.js'

let dir: string
let stores: KeelStores
let ids: readonly string[]

beforeAll(async () => {
  dir = tempDir('keel-run-views-')
  stores = await openStores({ dir })
  ids = await importRuns(stores, [
    {
      experiment: 'exp',
      name: 'a',
      status: 'finished',
      startTime: 1_000,
      params: { depth: 3 },
      metrics: [
        { key: 'test.auc', value: 0.7 },
        { key: 'train.auc', value: 0.9 },
      ],
    },
    {
      experiment: 'exp',
      name: 'b',
      status: 'finished',
      startTime: 2_000,
      params: { depth: 5 },
      metrics: [{ key: 'test.auc', value: 0.8 }],
    },
  ])
})

afterAll(async () => {
  await stores.close()
  rmSync(dir, { recursive: true, force: true })
})

describe('run views', () => {
  it('lists runs newest first, filtered and ordered', async () => {
    expect((await listRuns(stores, { topLevel: true })).runs.map((r) => r.name)).toEqual(['b', 'a'])
    const page = await listRuns(stores, { filter: 'metrics.test.auc > 0.75', limit: 10 })
    expect(page.runs.map((r) => r.name)).toEqual(['b'])
    const ordered = await listRuns(stores, { orderBy: 'metrics.test.auc asc' })
    expect(ordered.runs.map((r) => r.name)).toEqual(['a', 'b'])
    expect(commonMetricKeys(ordered.runs, 3)).toEqual(['test.auc', 'train.auc'])
  })

  it('shows one run and compares two or more', async () => {
    expect((await showRun(stores, ids[0]!)).params).toEqual({ depth: '3' })
    const c = await compareRuns(stores, ids)
    expect(c.params).toEqual([{ key: 'depth', values: ['3', '5'], differs: true }])
    await expect(compareRuns(stores, [ids[0]!])).rejects.toMatchObject({
      code: 'INVALID_ARGUMENT',
    })
  })
})
