import { realpathSync } from 'node:fs'
import { resolve } from 'node:path'
import { describe, expect, it } from 'vitest'
import { flightsProject, loadProject } from 'keel'

describe('examples/flights', () => {
  it('is the same project `keel demo` runs', async () => {
    const example = await loadProject({ cwd: import.meta.dirname })
    const demo = flightsProject(import.meta.dirname)
    const plain = (c: typeof example.config): unknown =>
      JSON.parse(
        JSON.stringify(
          {
            ...c,
            features: undefined,
            sources: undefined,
            dataset: { ...c.dataset, prepare: undefined },
          },
          (_k, v: unknown) => (typeof v === 'function' ? `fn:${(v as { name: string }).name}` : v),
        ),
      )
    expect(plain(example.config)).toEqual(plain(demo.config))
    // Real paths: node_modules may be reached through a link (a worktree, a monorepo tool).
    const examplePath = (example.config.sources['flights'] as { path: string }).path
    const demoPath = (demo.config.sources['flights'] as { path: string }).path
    expect(realpathSync(resolve(example.root, examplePath))).toBe(realpathSync(demoPath))
    expect(example.config.features).toBeDefined()
  })
})
