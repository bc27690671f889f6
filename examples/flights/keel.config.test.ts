import { existsSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { flightsDataPath, loadProject } from 'keel'

describe('examples/flights', () => {
  it('loads with the project loader and holds what `keel demo` relies on', async () => {
    const project = await loadProject({ cwd: import.meta.dirname })
    const { config } = project
    expect(config.name).toBe('flights')
    expect(config.seed).toBe(42)
    // The table inside the vega-datasets package, found wherever npm put it.
    const source = config.sources['flights'] as { path: string; format: string }
    expect(source).toEqual({ path: flightsDataPath(), format: 'parquet' })
    expect(existsSync(source.path)).toBe(true)
    expect(typeof config.dataset.prepare).toBe('function')
    expect(config.dataset.sample).toBe(300_000)
    expect(config.label).toEqual({ column: 'late', task: 'binary' })
    // The replay sends June, the test month, in departure order (`date`).
    expect(config.split).toMatchObject({
      kind: 'time',
      column: 'date',
      cutoffs: ['2001-05-01', '2001-06-01'],
    })
    expect(config.candidates.map((c) => c.name)).toEqual(['logistic', 'gbdt'])
    expect(config.features).toBeDefined()
    expect(config.evaluation.gate).toMatchObject({ minimum: { roc_auc: 0.6 } })
    expect(project.workspace).toBe(`${project.root}/.keel`)
  })
})
