import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { createRng, type Rng } from '@keel/core'
import { runKeel } from '../../cli/test-support/run-cli.js'
import { createRegistryBundleSource, createServer } from '../../serving/index.js'
import { loadProject } from '../load.js'
import { openProjectStores } from '../workspace.js'

/**
 * A new user's first ten minutes: `keel init` on a table Keel has never seen, then `train`,
 * `models promote`, `serve` and one HTTP predict, with no edit to the generated config. One
 * generated table per task and one with free text, a few hundred seeded rows each.
 */

const dirs: string[] = []
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })))

const csv = (rows: readonly Record<string, string | number | boolean>[]): string => {
  const cols = Object.keys(rows[0]!)
  const cell = (v: string | number | boolean): string =>
    typeof v === 'string' && /[",\n]/.test(v) ? `"${v.replace(/"/g, '""')}"` : String(v)
  return `${[cols.join(','), ...rows.map((r) => cols.map((c) => cell(r[c]!)).join(','))].join('\n')}\n`
}

/** A standard normal draw (Box–Muller). */
const normal = (rng: Rng): number =>
  Math.sqrt(-2 * Math.log(1 - rng.float())) * Math.cos(2 * Math.PI * rng.float())

const isoDay = (start: number, days: number): string =>
  new Date(start + days * 86_400_000).toISOString().slice(0, 10)

/** House prices: numbers, a region, a daily sale date with an upward trend. */
const regressionTable = (n: number): Record<string, string | number>[] => {
  const rng = createRng(11)
  const regions = ['north', 'south', 'east']
  return Array.from({ length: n }, (_, i) => {
    const size = 40 + rng.int(160)
    const rooms = 1 + rng.int(6)
    const region = regions[rng.int(3)]!
    const price =
      30 + 2 * size + 8 * rooms + (region === 'north' ? 40 : 0) + 0.1 * i + 10 * normal(rng)
    return { sold: isoDay(Date.UTC(2023, 0, 1), i), size, rooms, region, price }
  })
}

/** Churn: age and plan drive the label; signup dates by month. */
const binaryTable = (n: number): Record<string, string | number | boolean>[] => {
  const rng = createRng(12)
  return Array.from({ length: n }, (_, i) => {
    const age = 18 + rng.int(60)
    const plan = ['basic', 'pro', 'team'][rng.int(3)]!
    const z = 0.15 * (40 - age) + (plan === 'basic' ? 2 : -2)
    return {
      customer_id: 1000 + i,
      age,
      plan,
      income: 20_000 + rng.int(100_000),
      signup: isoDay(Date.UTC(2024, 0, 1), Math.floor((i / n) * 330)),
      churned: rng.float() < 1 / (1 + Math.exp(-z)),
    }
  })
}

/** Three species around three centres, with an island. */
const multiclassTable = (n: number): Record<string, string | number>[] => {
  const rng = createRng(13)
  const species = [
    { name: 'adelie', bill: 39, flipper: 190, island: 'torgersen' },
    { name: 'gentoo', bill: 47, flipper: 217, island: 'biscoe' },
    { name: 'chinstrap', bill: 49, flipper: 196, island: 'dream' },
  ]
  return Array.from({ length: n }, () => {
    const s = species[rng.int(3)]!
    return {
      bill_length: Math.round((s.bill + 2 * normal(rng)) * 10) / 10,
      flipper_length: Math.round(s.flipper + 5 * normal(rng)),
      island: rng.float() < 0.8 ? s.island : ['torgersen', 'biscoe', 'dream'][rng.int(3)]!,
      species: s.name,
    }
  })
}

/** Reviews: free text whose words carry the label, and a star count that is noise. */
const textTable = (n: number): Record<string, string | number | boolean>[] => {
  const rng = createRng(14)
  const good = ['great', 'excellent', 'lovely', 'reliable', 'fast', 'delightful', 'perfect']
  const bad = ['broken', 'awful', 'slow', 'refund', 'disappointing', 'cracked', 'useless']
  const filler = ['the', 'kettle', 'arrived', 'and', 'it', 'was', 'really', 'quite', 'for', 'price']
  const pick = (xs: readonly string[]): string => xs[rng.int(xs.length)]!
  return Array.from({ length: n }, () => {
    const positive = rng.float() < 0.5
    const words = Array.from({ length: 8 + rng.int(6) }, () =>
      rng.float() < 0.35 ? pick(positive ? good : bad) : pick(filler),
    )
    return { review: words.join(' '), helpful_votes: rng.int(20), positive }
  })
}

const cases = [
  { task: 'regression', label: 'price', rows: regressionTable(300), step: 'time' },
  { task: 'binary', label: 'churned', rows: binaryTable(400), step: 'categories' },
  { task: 'multiclass', label: 'species', rows: multiclassTable(300), step: 'categories' },
  { task: 'binary', label: 'positive', rows: textTable(400), step: 'text' },
] as const

describe('keel init → train → promote → serve → predict, with no edits', () => {
  it.each(cases.map((c, i) => ({ ...c, name: `starter-${i}` })))(
    '$name: a $task table labelled $label',
    async ({ task, label, rows, step, name }) => {
      const d = mkdtempSync(join(tmpdir(), 'keel-init-'))
      dirs.push(d)
      writeFileSync(join(d, 'data.csv'), csv(rows))

      const init = await runKeel([
        'init',
        'data.csv',
        '--label',
        label,
        '--name',
        name,
        '-C',
        d,
        '--json',
      ])
      expect(init.stderr).toBe('')
      expect(init.code).toBe(0)
      const plan = init.json as { task: string; steps: { name: string }[] }
      expect(plan.task).toBe(task)
      expect(plan.steps.map((s) => s.name)).toContain(step)

      const train = await runKeel(['train', '-C', d, '--json'])
      expect(train.code, train.stderr).toBe(0)
      const trained = train.json as {
        bundle: { model: string; version: number }
        evaluation: { blessed: boolean; reasons: string[] }
      }
      expect(trained.evaluation.reasons).toEqual([])
      expect(trained.evaluation.blessed).toBe(true)

      const promote = await runKeel([
        'models',
        'promote',
        `${name}@1`,
        '--reason',
        'first',
        '-C',
        d,
      ])
      expect(promote.code, promote.stderr).toBe(0)

      const project = await loadProject({ cwd: d })
      const stores = await openProjectStores(project)
      const server = createServer({
        source: createRegistryBundleSource(stores),
        models: [{ name, alias: 'production' }],
        eventLog: null,
      })
      try {
        await server.ready()
        const { url } = await server.listen({ port: 0, hostname: '127.0.0.1' })
        const { [label]: _answer, ...features } = rows[0]! as Record<string, unknown>
        const res = await fetch(`${url}/v1/models/${name}/predict`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ rows: [features] }),
        })
        const body = (await res.json()) as { predictions: { prediction: unknown }[] }
        expect(res.status, JSON.stringify(body)).toBe(200)
        expect(body.predictions).toHaveLength(1)
        const prediction = body.predictions[0]!.prediction
        if (task === 'regression') expect(Number.isFinite(prediction)).toBe(true)
        else expect(new Set(rows.map((r) => String(r[label])))).toContain(String(prediction))
      } finally {
        await server.close()
        await stores.close()
      }
      expect(readFileSync(join(d, 'keel.config.ts'), 'utf8')).toContain('gate: { beatBaselines')
    },
    // Training evaluates with 500 bootstrap resamples; a shared CI machine can take minutes.
    600_000,
  )
})
