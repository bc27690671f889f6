import { existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs'
import { join, resolve } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { runKeel } from '../test-support/run-cli.js'

// Projects live inside the repository, like the CLI's other tests.
const root = resolve(import.meta.dirname, '../../../../../.tmp', `cli-data-test-${process.pid}`)
const dir = (name: string): string => {
  const d = join(root, name)
  rmSync(d, { recursive: true, force: true })
  mkdirSync(d, { recursive: true })
  return d
}
afterAll(() => rmSync(root, { recursive: true, force: true }))

interface ErrorJson {
  code: string
  message: string
  details: Record<string, unknown>
}
const errorOf = (json: unknown): ErrorJson => (json as { error: ErrorJson }).error

const plans = (d: string, schema: boolean): void => {
  writeFileSync(
    join(d, 'plans.csv'),
    'id,age,plan,tier\n1,34,basic,gold\n2,51,pro,silver\n3,29,basic,gold\n4,45,team,bronze\n',
  )
  writeFileSync(
    join(d, 'keel.config.ts'),
    `export default {
  name: 'plans',
  sources: { data: { path: 'plans.csv' } },
  label: { column: 'tier', task: 'multiclass' },
${
  schema
    ? `  schema: { fields: [
    { name: 'id', kind: 'numeric', role: 'id' },
    { name: 'age', kind: 'numeric', range: { min: 0, max: 120 } },
    { name: 'plan', kind: 'categorical' },
    { name: 'tier', kind: 'categorical', role: 'label' },
  ] },`
    : ''
}
}
`,
  )
}

describe('keel data and init on empty files', () => {
  it('a header-only CSV is INVALID_DATA naming the file and its 0 rows, for profile, validate and init', async () => {
    const d = dir('header-only')
    plans(d, true)
    writeFileSync(join(d, 'plans.csv'), 'id,age,plan,tier\n')
    const validate = await runKeel(['data', 'validate', '-C', d, '--json'])
    expect(validate.code).toBe(3)
    const e = errorOf(validate.json)
    expect(e.code).toBe('INVALID_DATA')
    expect(e.message).toBe(`${join(d, 'plans.csv')} has 0 rows: nothing to validate`)
    expect(e.details).toMatchObject({ rows: 0, dataset: 'data', source: join(d, 'plans.csv') })

    const profile = await runKeel(['data', 'profile', 'plans.csv', '-C', d, '--json'])
    expect(profile.code).toBe(3)
    expect(errorOf(profile.json)).toMatchObject({
      code: 'INVALID_DATA',
      details: { rows: 0, source: join(d, 'plans.csv') },
    })

    const i = dir('header-only-init')
    writeFileSync(join(i, 'customers.csv'), 'id,age,churned\n')
    const init = await runKeel(['init', 'customers.csv', '--label', 'churned', '-C', i, '--json'])
    expect(init.code).toBe(3)
    expect(errorOf(init.json).message).toBe(
      `${join(i, 'customers.csv')} has 0 rows: nothing to profile`,
    )
    expect(existsSync(join(i, 'keel.config.ts'))).toBe(false)
  })

  it('a 0-byte CSV is INVALID_DATA, not a phantom column0', async () => {
    const d = dir('zero-bytes')
    writeFileSync(join(d, 'empty.csv'), '')
    const profile = await runKeel(['data', 'profile', 'empty.csv', '-C', d, '--json'])
    expect(profile.code).toBe(3)
    expect(profile.stdout).not.toContain('column0')
    expect(errorOf(profile.json)).toMatchObject({
      code: 'INVALID_DATA',
      message: `${join(d, 'empty.csv')} is empty (0 bytes): no header and no rows`,
      details: { bytes: 0, rows: 0 },
    })
    const init = await runKeel(['init', 'empty.csv', '--label', 'y', '-C', d])
    expect(init.code).toBe(3)
    expect(init.stderr).toMatch(/^error\[INVALID_DATA\]: .*empty\.csv is empty \(0 bytes\)/m)
    expect(existsSync(join(d, 'keel.config.ts'))).toBe(false)
  })
})

interface BatchJson {
  ok: boolean
  source: string
  extraColumns: string[]
  issues: { code: string; column: string }[]
  label: {
    column: string
    present: boolean
    knownClasses: string[] | null
    unknownClasses: { value: string; count: number }[]
  } | null
}

describe('keel data validate <file>: a new batch against the project', () => {
  it('reports extra columns and label classes the project never saw, and exits 4', async () => {
    for (const schema of [true, false]) {
      const d = dir(`batch-${schema}`)
      plans(d, schema)
      writeFileSync(
        join(d, 'march.csv'),
        'id,age,plan,tier,note\n7,33,basic,gold,x\n8,61,pro,platinum,y\n9,38,pro,platinum,z\n10,40,basic,tin,\n',
      )
      const r = await runKeel(['data', 'validate', 'march.csv', '-C', d, '--json'])
      expect(r.code, `schema: ${schema}`).toBe(4)
      const v = r.json as BatchJson
      expect(v.ok).toBe(false)
      expect(v.source).toBe(join(d, 'march.csv'))
      expect(v.extraColumns).toEqual(['note'])
      expect(v.label).toEqual({
        column: 'tier',
        present: true,
        knownClasses: ['bronze', 'gold', 'silver'],
        unknownClasses: [
          { value: 'platinum', count: 2 },
          { value: 'tin', count: 1 },
        ],
      })
      const text = await runKeel(['data', 'validate', 'march.csv', '-C', d])
      expect(text.code).toBe(4)
      expect(text.stdout).toMatch(/extra columns +note \(not in the contract\)/)
      expect(text.stdout).toMatch(/unknown_label_class +tier: "platinum" \(2\), "tin" \(1\)/)
    }
  })

  it('passes a clean batch, and one to score (no label column) without requiring the label', async () => {
    const d = dir('batch-clean')
    plans(d, true)
    writeFileSync(join(d, 'clean.csv'), 'id,age,plan,tier\n7,33,basic,gold\n8,61,pro,silver\n')
    writeFileSync(join(d, 'to-score.csv'), 'id,age,plan\n7,33,basic\n8,61,pro\n')
    const clean = await runKeel(['data', 'validate', 'clean.csv', '-C', d, '--json'])
    expect(clean.code).toBe(0)
    expect((clean.json as BatchJson).label?.unknownClasses).toEqual([])
    const score = await runKeel(['data', 'validate', 'to-score.csv', '-C', d, '--json'])
    expect(score.code).toBe(0)
    const v = score.json as BatchJson
    expect(v.issues).toEqual([])
    expect(v.label).toMatchObject({ present: false, unknownClasses: [] })
    // The contract still holds for the batch: an out-of-range age is a violation.
    writeFileSync(join(d, 'bad.csv'), 'id,age,plan\n7,330,basic\n')
    const bad = await runKeel(['data', 'validate', 'bad.csv', '-C', d, '--json'])
    expect(bad.code).toBe(4)
    expect((bad.json as BatchJson).issues.map((i) => `${i.code}:${i.column}`)).toEqual([
      'out_of_range:age',
    ])
    expect(existsSync(join(d, '.keel'))).toBe(false)
  })
})
