import { mkdtempSync, realpathSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { flightsDataPath } from '../../../datasets/index.js'
import { findFlightsExample, loadFlightsExample } from './flights-example.js'

const dir = mkdtempSync(join(tmpdir(), 'keel-demo-example-'))
afterAll(() => rmSync(dir, { recursive: true, force: true }))

describe('the demo project', () => {
  it('is examples/flights/keel.config.ts, found through its workspace package', () => {
    const repo = resolve(import.meta.dirname, '../../../../../..')
    expect(realpathSync(findFlightsExample())).toBe(
      realpathSync(join(repo, 'examples/flights/keel.config.ts')),
    )
  })

  it('keeps its workspace where the demo runs and reads the installed flights table', async () => {
    const project = await loadFlightsExample(dir)
    expect(project.root).toBe(dir)
    expect(project.workspace).toBe(join(dir, '.keel'))
    expect(project.config.sources['flights']).toEqual({
      path: flightsDataPath(),
      format: 'parquet',
    })
  })

  it('says the demo runs from a clone of the repository when the example is not installed', () => {
    const missing = (): string => {
      throw Object.assign(new Error("Cannot find module '@keel/example-flights'"), {
        code: 'MODULE_NOT_FOUND',
      })
    }
    expect(() => findFlightsExample(missing)).toThrow(
      expect.objectContaining({
        code: 'FILE_NOT_FOUND',
        message: expect.stringContaining('flights example of the Keel repository'),
        hint: expect.stringContaining('clone the Keel repository'),
      }),
    )
  })
})
