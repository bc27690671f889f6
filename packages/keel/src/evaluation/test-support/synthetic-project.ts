import { mkdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { createRng } from '@keel/core'

/**
 * A tiny, fully synthetic binary project on disk (CSV + `keel.config.ts`) for end-to-end tests of
 * train → evaluate → model card → promote. The label depends on `x1`, `x2` and `region` (region D is
 * harder: its rows get label noise), so slices, weak-slice discovery and directional tests have
 * something real to find.
 */
export interface SyntheticProjectOptions {
  readonly rows?: number
  readonly seed?: number
  /** Extra text spliced into the config object literal (e.g. an `evaluation` section). */
  readonly configExtra?: string
}

const REGIONS = ['A', 'B', 'C', 'D'] as const

/** Write the CSV and the config into `dir`; returns the config path. */
export const writeSyntheticProject = (
  dir: string,
  options: SyntheticProjectOptions = {},
): string => {
  const n = options.rows ?? 1500
  const rng = createRng(options.seed ?? 7)
  const lines = ['day,x1,x2,region,hour,label']
  const start = Date.UTC(2024, 0, 1)
  for (let i = 0; i < n; i++) {
    const day = new Date(start + Math.floor((i / n) * 120) * 86_400_000).toISOString().slice(0, 10)
    const x1 = rng.normal()
    const x2 = rng.normal()
    const region = REGIONS[rng.int(4)]!
    const hour = rng.int(24)
    const logit = -1 + 1.6 * x1 - 0.8 * x2 + (region === 'B' ? 0.7 : 0) + (hour >= 17 ? 0.5 : 0)
    let y = rng.float() < 1 / (1 + Math.exp(-logit)) ? 1 : 0
    if (region === 'D' && rng.float() < 0.35) y = 1 - y
    lines.push(
      `${day},${x1.toFixed(4)},${x2.toFixed(4)},${region},${hour},${y === 1 ? 'true' : 'false'}`,
    )
  }
  mkdirSync(dir, { recursive: true })
  writeFileSync(join(dir, 'data.csv'), `${lines.join('\n')}\n`)
  const config = `export default {
  name: 'synthetic',
  seed: 11,
  sources: { rows: { path: 'data.csv' } },
  label: { column: 'label', task: 'binary' },
  split: { kind: 'time', column: 'day' },
  baselines: [
    { name: 'zero-rule', kind: 'zero-rule' },
    { name: 'evening', predict: (row) => (row.hour >= 17 ? 1 : 0) },
  ],
  candidates: [{ name: 'gbdt', kind: 'gbdt', params: { nEstimators: 40, maxDepth: 3, learningRate: 0.1 } }],
  ${options.configExtra ?? ''}
}
`
  const file = join(dir, 'keel.config.ts')
  writeFileSync(file, config)
  return file
}
