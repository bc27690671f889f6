import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { join, resolve } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createRng } from '@keel/core'
import { runCli } from './test-support/run-cli.js'

// Projects live inside the repository so their config files can `import { defineProject } from 'keel'`.
const root = resolve(import.meta.dirname, '../../../../.tmp', `cli-test-${process.pid}`)
const dir = (name: string): string => {
  const d = join(root, name)
  rmSync(d, { recursive: true, force: true })
  mkdirSync(d, { recursive: true })
  return d
}

/** A small churn-like CSV with a learnable label. */
const writeCustomers = (path: string, n: number, seed = 1): void => {
  const rng = createRng(seed)
  const lines = ['id,age,plan,income,signup,churned']
  for (let i = 0; i < n; i++) {
    const age = 18 + rng.int(60)
    const plan = ['basic', 'pro', 'team'][rng.int(3)]!
    const income = 20000 + rng.int(100000)
    const day = String(1 + rng.int(28)).padStart(2, '0')
    const month = String(1 + Math.floor((i / n) * 12)).padStart(2, '0')
    const p = 1 / (1 + Math.exp(-(0.05 * (40 - age) + (plan === 'basic' ? 1 : -0.5))))
    lines.push(`${i},${age},${plan},${income},2024-${month}-${day},${rng.float() < p}`)
  }
  writeFileSync(path, `${lines.join('\n')}\n`)
}

beforeAll(() => mkdirSync(root, { recursive: true }))
afterAll(() => rmSync(root, { recursive: true, force: true }))

describe('keel CLI', () => {
  it('documents exit codes in --help', async () => {
    const r = await runCli(['--help'])
    expect(r.stdout).toMatch(/Exit codes:/)
    expect(r.stdout).toMatch(/VALIDATION_FAILED/)
  })

  it('lists the learner kinds in train --help', async () => {
    const r = await runCli(['train', '--help'])
    expect(r.stdout).toMatch(/Learners \(the kind of a candidate/)
    for (const kind of ['gbdt', 'random-forest', 'extra-trees', 'logistic-regression']) {
      expect(r.stdout).toMatch(new RegExp(`^  ${kind} +\\S`, 'm'))
    }
  })

  it('init writes a starter config with the inferred schema and refuses to overwrite it', async () => {
    const d = dir('init')
    writeCustomers(join(d, 'customers.csv'), 200)
    const r = await runCli(['init', 'customers.csv', '--label', 'churned', '-C', d, '--quiet'])
    expect(r.code).toBe(0)
    const text = readFileSync(join(d, 'keel.config.ts'), 'utf8')
    expect(text).toContain("label: { column: 'churned', task: 'binary' }")
    expect(text).toContain("{ name: 'id', kind: 'numeric', role: 'id'")
    const again = await runCli(['init', 'customers.csv', '--label', 'churned', '-C', d, '--json'])
    expect(again.code).toBe(6)
    expect(JSON.parse(again.stdout).error.code).toBe('CONFLICT')
    expect(readFileSync(join(d, 'keel.config.ts'), 'utf8')).toBe(text)
  })

  it('init names a missing file and writes nothing', async () => {
    const d = dir('init-missing')
    const r = await runCli(['init', 'nope.csv', '-C', d])
    expect(r.code).toBe(5)
    expect(r.stderr).toMatch(/error\[FILE_NOT_FOUND\]: no such file: .*nope\.csv/)
    expect(existsSync(join(d, 'keel.config.ts'))).toBe(false)
  })

  it('data validate exits 4 and names every violation; --json gives the same as data', async () => {
    const d = dir('validate')
    writeFileSync(
      join(d, 'data.csv'),
      'id,age,plan,y\n1,34,basic,true\n2,-5,pro,false\n2,45,gold,true\n4,,basic,false\n',
    )
    writeFileSync(
      join(d, 'keel.config.ts'),
      `export default {
  name: 'validate-test',
  sources: { data: { path: 'data.csv' } },
  label: { column: 'y', task: 'binary' },
  schema: { fields: [
    { name: 'id', kind: 'numeric', role: 'id', unique: true },
    { name: 'age', kind: 'numeric', nullable: false, range: { min: 0, max: 120 } },
    { name: 'plan', kind: 'categorical', categories: ['basic', 'pro'] },
    { name: 'y', kind: 'boolean', role: 'label' },
  ] },
}
`,
    )
    const text = await runCli(['data', 'validate', '-C', d, '--quiet'])
    expect(text.code).toBe(4)
    for (const code of [
      'duplicate_id',
      'out_of_range',
      'not_allowed_category',
      'null_not_allowed',
    ]) {
      expect(text.stdout).toContain(code)
    }
    const json = await runCli(['data', 'validate', '-C', d, '--json'])
    expect(json.code).toBe(4)
    const v = JSON.parse(json.stdout) as {
      ok: boolean
      issues: { code: string; column: string; rows: number[] }[]
    }
    expect(v.ok).toBe(false)
    expect(v.issues.map((i) => `${i.code}:${i.column}:${i.rows.join('|')}`).sort()).toEqual([
      'duplicate_id:id:2',
      'not_allowed_category:plan:2',
      'null_not_allowed:age:3',
      'out_of_range:age:1',
    ])
    expect(existsSync(join(d, '.keel'))).toBe(false)
  })

  it('a typo in the config is an INVALID_CONFIG error naming the key, and nothing is written', async () => {
    const d = dir('typo')
    writeCustomers(join(d, 'customers.csv'), 50)
    writeFileSync(
      join(d, 'keel.config.ts'),
      `export default { name: 'typo', sources: { data: { path: 'customers.csv' } }, label: { column: 'churned', task: 'binary' }, candidatez: [] }\n`,
    )
    const r = await runCli(['train', '-C', d, '--json'])
    expect(r.code).toBe(2)
    const e = JSON.parse(r.stdout).error
    expect(e.code).toBe('INVALID_CONFIG')
    expect(JSON.stringify(e.issues)).toContain('candidatez')
    expect(existsSync(join(d, '.keel'))).toBe(false)
  })

  it('profiles a file without a project', async () => {
    const d = dir('profile')
    writeCustomers(join(d, 'customers.csv'), 300)
    const r = await runCli(['data', 'profile', 'customers.csv', '-C', d, '--json'])
    expect(r.code).toBe(0)
    const p = JSON.parse(r.stdout) as { rows: number; columns: { name: string }[] }
    expect(p.rows).toBe(300)
    expect(p.columns.map((c) => c.name)).toEqual([
      'id',
      'age',
      'plan',
      'income',
      'signup',
      'churned',
    ])
  })

  it('trains a project, records the runs and registers the best bundle', async () => {
    const d = dir('train')
    writeCustomers(join(d, 'customers.csv'), 1500)
    expect(
      (await runCli(['init', 'customers.csv', '--label', 'churned', '-C', d, '--quiet'])).code,
    ).toBe(0)
    const r = await runCli(['train', '-C', d, '--json'])
    expect(r.stderr).toBe('')
    expect(r.code).toBe(0)
    const t = JSON.parse(r.stdout) as {
      best: string
      bundle: { version: number; digest: string }
      results: {
        name: string
        role: string
        status: string
        metrics: { test: Record<string, number> }
      }[]
      split: { kind: string }
    }
    expect(t.split.kind).toBe('time')
    expect(t.results.map((x) => `${x.name}:${x.role}:${x.status}`)).toEqual([
      'zero-rule:baseline:finished',
      'gbdt:candidate:finished',
      'logistic:candidate:finished',
    ])
    expect(t.bundle.version).toBe(1)
    const best = t.results.find((x) => x.name === t.best)!
    const zero = t.results.find((x) => x.name === 'zero-rule')!
    expect(best.metrics.test['roc_auc']).toBeGreaterThan(zero.metrics.test['roc_auc']! + 0.1)
    expect(existsSync(join(d, '.keel', 'keel.db'))).toBe(true)
  })

  it('bad hyperparameters are refused before anything is written', async () => {
    const d = dir('bad-params')
    writeCustomers(join(d, 'customers.csv'), 100)
    writeFileSync(
      join(d, 'keel.config.ts'),
      `export default { name: 'bad', sources: { data: { path: 'customers.csv' } }, label: { column: 'churned', task: 'binary' },
  candidates: [{ name: 'g', kind: 'gbdt', params: { learningRate: 7, nTrees: 3 } }] }\n`,
    )
    const r = await runCli(['train', '-C', d, '--json'])
    expect(r.code).toBe(2)
    const e = JSON.parse(r.stdout).error
    expect(e.code).toBe('INVALID_CONFIG')
    expect(e.issues.map((i: { path: unknown[] }) => i.path.join('.'))).toEqual(
      expect.arrayContaining(['candidates.0.params.learningRate']),
    )
    expect(existsSync(join(d, '.keel'))).toBe(false)
  })
})
