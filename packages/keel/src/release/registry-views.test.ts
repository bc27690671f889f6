import { rmSync } from 'node:fs'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { trainMonitoredBundle } from '../testing/monitor-fixture.js'
import { openStores, type KeelStores } from '../stores/index.js'
import { tempDir } from '../stores/test-support/backends.js'
import { promoteModelRef } from './promote.js'
import {
  diffModelVersions,
  isModelView,
  listRegisteredModels,
  loadRegisteredBundle,
  registryView,
} from './registry-views.js'

let dir: string
let stores: KeelStores

beforeAll(async () => {
  dir = tempDir('keel-registry-views-')
  stores = await openStores({ dir })
  const ref = await stores.artifacts.put(JSON.stringify(trainMonitoredBundle().toJSON()))
  await stores.registry.createVersion({ model: 'toy', bundle: ref })
  await stores.registry.createVersion({ model: 'toy', bundle: ref })
  await stores.registry.promote('toy', 1, 'production', { actor: 'test', reason: 'first' })
})

afterAll(async () => {
  await stores.close()
  rmSync(dir, { recursive: true, force: true })
})

describe('registry views', () => {
  it('lists models and shows a bare name as the whole model', async () => {
    expect((await listRegisteredModels(stores)).map((m) => m.name)).toEqual(['toy'])
    const view = await registryView(stores, { model: 'toy' })
    expect(isModelView(view)).toBe(true)
    if (!isModelView(view)) return
    expect(Object.keys(view)).toEqual(['model', 'versions', 'aliasHistory'])
    expect(view.versions.map((v) => v.version)).toEqual([2, 1])
    expect(view.aliasHistory.map((h) => h.toVersion)).toEqual([1])
  })

  it('shows a version with its lineage, the alias moves that touched it and its gate', async () => {
    const view = await registryView(stores, { model: 'toy', alias: 'production' })
    expect(isModelView(view)).toBe(false)
    if (isModelView(view)) return
    expect(Object.keys(view)).toEqual(['version', 'lineage', 'aliasHistory', 'gate', 'evaluations'])
    // Registered without a card (a direct registry call): no evaluations to list.
    expect(view.evaluations).toEqual([])
    expect(view.version.version).toBe(1)
    expect(view.aliasHistory).toHaveLength(1)
    expect(view.gate).toMatchObject({ state: 'unknown', source: 'none' })
  })

  it('promotes the version a reference names, and refuses a bare name', async () => {
    await expect(
      promoteModelRef(stores, { model: 'toy' }, { alias: 'production', reason: 'x' }),
    ).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' })
    const moved = await promoteModelRef(
      stores,
      { model: 'toy', version: 2 },
      { alias: 'production', reason: 'second', actor: 'test' },
    )
    expect(moved).toMatchObject({ model: 'toy', version: 2 })
    expect(moved.result.change).toMatchObject({ fromVersion: 1, toVersion: 2 })
    const chosen = await loadRegisteredBundle(stores, { model: 'toy' })
    expect(chosen).toMatchObject({ model: 'toy', version: 2, chosenBy: 'alias production' })
    expect(chosen.bundle.name).toBe('toy')
  })

  it('diffs two versions', async () => {
    expect((await diffModelVersions(stores, 'toy', 1, 2)).bundleChanged).toBe(false)
  })
})
