import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { Frame, profileFrame, textColumn, timestampColumn } from '@keel/core'
import { loadProject } from '../load.js'
import { initProject } from './init-project.js'
import { timeParts } from './starter-pipeline.js'

// Loading a written config compiles it with jiti and imports Keel from source: seconds alone,
// minutes on a shared, busy CI machine.
const LOAD_TIMEOUT = 300_000

const dirs: string[] = []
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })))

const project = (csv: string): string => {
  const d = mkdtempSync(join(tmpdir(), 'keel-init-unit-'))
  dirs.push(d)
  writeFileSync(join(d, 'data.csv'), csv)
  return d
}

const rows = (n: number, row: (i: number) => string): string =>
  Array.from({ length: n }, (_, i) => row(i)).join('\n')

describe('initProject', () => {
  it(
    'writes a config that parses, with the GBDT objective its schema accepts for the task',
    async () => {
      const d = project(`x,size,y\n${rows(40, (i) => `${i % 7},${(i * 13) % 17},${i * 1.5}`)}\n`)
      const r = await initProject({ data: 'data.csv', cwd: d, label: 'y', name: 'p' })
      expect(r.task).toBe('regression')
      const text = readFileSync(r.file, 'utf8')
      // 'l2' was refused by the GBDT's hyperparameter schema at the first `keel train`.
      expect(text).toContain("{ name: 'gbdt', kind: 'gbdt', params: { objective: 'squared' } }")
      const loaded = await loadProject({ cwd: d })
      expect(loaded.config.candidates.map((c) => c.kind)).toEqual(['gbdt', 'ridge'])
      expect(loaded.config.evaluation.gate).toEqual({
        beatBaselines: { rmse: 0 },
        maxRegression: { rmse: { delta: 0, require: 'no-significant-regression' } },
      })
    },
    LOAD_TIMEOUT,
  )

  it('writes no step for a kind no feature has (no categorical column → no categories step)', async () => {
    const d = project(`a,b,y\n${rows(30, (i) => `${i},${i % 5},${i % 2 === 0}`)}\n`)
    const r = await initProject({ data: 'data.csv', cwd: d, label: 'y' })
    expect(r.steps.map((s) => s.name)).toEqual(['numbers'])
    expect(readFileSync(r.file, 'utf8')).not.toContain('one-hot-encoder')
  })

  it('encodes free text and reads the timestamp through its calendar parts', async () => {
    const words = ['red', 'green', 'blue', 'quick', 'brown', 'fox', 'lazy', 'dog', 'jumps']
    const sentence = (i: number): string =>
      Array.from({ length: 7 }, (_, k) => words[(i * 7 + k * ((i % 5) + 1)) % words.length]).join(
        ' ',
      )
    const d = project(
      `note,day,y\n${rows(60, (i) => `${sentence(i)} ${i},2024-01-${String(1 + (i % 28)).padStart(2, '0')},${i % 3 === 0}`)}\n`,
    )
    const r = await initProject({ data: 'data.csv', cwd: d, label: 'y' })
    expect(r.fields.find((f) => f.name === 'note')?.kind).toBe('text')
    expect(r.steps).toEqual([
      { name: 'text', kind: 'hashing-vectorizer', reads: ['note'] },
      { name: 'time', kind: 'time-features', reads: ['day'] },
    ])
    expect(r.notes).toContainEqual({
      column: 'day',
      message: 'the model reads its calendar parts (year, month, dayOfWeek)',
    })
    expect(r.notes).toContainEqual({
      column: 'note',
      message: 'free text: hashed into 256 word-count columns',
    })
  })

  it('splits randomly when the timestamp has too few instants to cut by time', async () => {
    const d = project(
      `x,day,y\n${rows(30, (i) => `${i},${i < 15 ? '2024-01-01' : '2024-02-01'},${i * 2}`)}\n`,
    )
    const r = await initProject({ data: 'data.csv', cwd: d, label: 'y' })
    expect(r.split).toEqual({ kind: 'random' })
    expect(readFileSync(r.file, 'utf8')).toContain("split: { kind: 'random' },")
  })

  it(
    'recognises a column that names each row’s part as a predefined split',
    async () => {
      const part = (i: number): string => (i < 20 ? 'train' : i < 25 ? 'validation' : 'test')
      const d = project(`x,split,y\n${rows(30, (i) => `${i},${part(i)},${i % 2 === 0}`)}\n`)
      const r = await initProject({ data: 'data.csv', cwd: d, label: 'y' })
      expect(r.split).toEqual({ kind: 'predefined', column: 'split' })
      expect(r.fields.find((f) => f.name === 'split')?.role).toBe('ignore')
      const loaded = await loadProject({ cwd: d })
      expect(loaded.config.split).toEqual({ kind: 'predefined', column: 'split' })
    },
    LOAD_TIMEOUT,
  )
})

describe('timeParts', () => {
  const partsOf = (ms: number[]): string[] =>
    timeParts(profileFrame(Frame.fromColumns({ t: timestampColumn(ms) })).columns[0])

  it('derives only the parts that vary at the column’s spacing', () => {
    const years = Array.from({ length: 12 }, (_, k) => Date.UTC(1970 + k, 0, 1))
    expect(partsOf(years)).toEqual(['year'])
    const days = Array.from({ length: 90 }, (_, k) => Date.UTC(2024, 0, 1 + k))
    expect(partsOf(days)).toEqual(['year', 'month', 'dayOfWeek'])
    const hours = Array.from({ length: 200 }, (_, k) => Date.UTC(2024, 0, 1, k))
    expect(partsOf(hours)).toEqual(['year', 'month', 'dayOfWeek', 'hour'])
    expect(timeParts(profileFrame(Frame.fromColumns({ t: textColumn(['a']) })).columns[0])).toEqual(
      ['year'],
    )
  })
})
