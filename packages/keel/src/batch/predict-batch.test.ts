import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { Frame, predictionRecord, type PredictionRecord } from '@keel/core'
import { openSession } from '../data/duckdb/engine.js'
import { readChunks } from '../data/index.js'
import { postJson, toyServer } from '../serving/test-support/harness.js'
import { toyBundle, toyRow } from '../serving/test-support/toy-bundle.js'
import type { PredictResponse } from '../serving/index.js'
import { predictBatch } from './predict-batch.js'

const dirs: string[] = []
const tmp = (): string => {
  const d = mkdtempSync(join(tmpdir(), 'keel-batch-'))
  dirs.push(d)
  return d
}
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true })
})

const ROWS: Record<string, unknown>[] = Array.from({ length: 250 }, (_, i) => ({
  ...toyRow(i),
  flight: `F${i}`,
}))
const kinds = {
  distance: 'numeric',
  hour: 'numeric',
  origin: 'categorical',
  flight: 'text',
} as const
const chunksOf = (rows: readonly Record<string, unknown>[], size: number): Frame[] => {
  const out: Frame[] = []
  for (let i = 0; i < rows.length; i += size)
    out.push(Frame.fromRows(rows.slice(i, i + size), kinds))
  return out
}

/** Output rows back as prediction records, whatever the file format. */
const readOutput = async (file: string): Promise<Record<string, unknown>[]> => {
  if (file.endsWith('.ndjson'))
    return readFileSync(file, 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as Record<string, unknown>)
  const s = await openSession()
  try {
    const reader = await s.connection.runAndReadAll(
      file.endsWith('.csv')
        ? `SELECT * FROM read_csv('${file}', header = true, all_varchar = true)`
        : `SELECT * FROM '${file}'`,
    )
    const rows = reader.getRowObjectsJS() as Record<string, unknown>[]
    if (!file.endsWith('.csv')) return rows.map((r) => ({ ...r, row: Number(r['row']) }))
    return rows.map((r) => ({
      ...r,
      row: Number(r['row']),
      confidence: Number(r['confidence']),
      defer: r['defer'] === 'true',
      p_on_time: Number(r['p_on_time']),
      p_late: Number(r['p_late']),
    }))
  } finally {
    s.close()
  }
}

const asRecord = (r: Record<string, unknown>): PredictionRecord => ({
  prediction: r['prediction'] as string,
  probabilities: { on_time: r['p_on_time'] as number, late: r['p_late'] as number },
  confidence: r['confidence'] as number,
  defer: r['defer'] as boolean,
})

describe('predictBatch', () => {
  it.each(['ndjson', 'csv', 'parquet'])(
    'writes %s predictions equal to bundle.predict and to the HTTP answers',
    async (ext) => {
      const bundle = toyBundle()
      const output = join(tmp(), `out.${ext}`)
      const progress: number[] = []
      const result = await predictBatch({
        bundle,
        input: chunksOf(ROWS, 64),
        output,
        passthrough: ['flight'],
        onProgress: (p) => progress.push(p.rows),
      })
      expect(result).toMatchObject({ rows: 250, chunks: 4, skippedChunks: 0, format: ext })
      expect(progress).toEqual([64, 128, 192, 250])
      const out = await readOutput(output)
      expect(out.map((r) => r['row'])).toEqual(ROWS.map((_, i) => i))
      expect(out.map((r) => r['flight'])).toEqual(ROWS.map((r) => r.flight))
      const lib = bundle.predictRows(ROWS.map(({ flight: _, ...r }) => r)).predictions
      // Exact equality: numbers survive NDJSON, CSV and Parquet bit for bit.
      expect(out.map(asRecord)).toEqual(ROWS.map((_, i) => predictionRecord(lib, i)))
      const { server } = await toyServer()
      try {
        const http = (await (
          await postJson(server, '/v1/models/flights/predict', { rows: ROWS.slice(0, 200) })
        ).json()) as PredictResponse
        expect(out.slice(0, 200).map(asRecord)).toEqual(
          http.predictions.map(({ id: _, decision: __, ...r }) => r),
        )
      } finally {
        await server.close()
      }
      expect(readdirSync(join(output, '..'))).toEqual([`out.${ext}`]) // no parts or temporary files left
    },
  )

  it('resumes after a failure, skipping the chunks already written', async () => {
    const bundle = toyBundle()
    const dir = tmp()
    const output = join(dir, 'out.parquet')
    const chunks = chunksOf(ROWS, 50)
    async function* failing(): AsyncGenerator<Frame> {
      yield chunks[0]!
      yield chunks[1]!
      yield chunks[2]!
      throw new Error('reader crashed')
    }
    await expect(predictBatch({ bundle, input: failing(), output })).rejects.toThrow(
      'reader crashed',
    )
    expect(existsSync(output)).toBe(false)
    const result = await predictBatch({ bundle, input: chunks, output })
    expect(result).toMatchObject({ rows: 250, chunks: 5, skippedChunks: 3 })
    const fresh = join(dir, 'fresh.parquet')
    await predictBatch({ bundle, input: chunks, output: fresh })
    expect(await readOutput(output)).toEqual(await readOutput(fresh))
  })

  it('refuses to resume with another bundle or a changed input', async () => {
    const dir = tmp()
    const output = join(dir, 'out.csv')
    const chunks = chunksOf(ROWS, 100)
    async function* twoThenFail(): AsyncGenerator<Frame> {
      yield chunks[0]!
      throw new Error('stop')
    }
    await expect(
      predictBatch({ bundle: toyBundle(), input: twoThenFail(), output }),
    ).rejects.toThrow('stop')
    await expect(
      predictBatch({ bundle: toyBundle({ shift: 1 }), input: chunks, output }),
    ).rejects.toMatchObject({ code: 'CONFLICT' })
    await expect(
      predictBatch({ bundle: toyBundle(), input: chunksOf(ROWS, 90), output }),
    ).rejects.toMatchObject({ code: 'CONFLICT' })
  })

  it('never overwrites an existing output unless asked', async () => {
    const output = join(tmp(), 'out.ndjson')
    writeFileSync(output, 'keep me')
    await expect(
      predictBatch({ bundle: toyBundle(), input: chunksOf(ROWS, 100), output }),
    ).rejects.toMatchObject({ code: 'CONFLICT' })
    expect(readFileSync(output, 'utf8')).toBe('keep me')
    await predictBatch({ bundle: toyBundle(), input: chunksOf(ROWS, 100), output, overwrite: true })
    expect(readFileSync(output, 'utf8').split('\n')).toHaveLength(251)
  })

  it('reports bad input rows with their row numbers in the whole input and writes nothing', async () => {
    const output = join(tmp(), 'out.ndjson')
    const rows = ROWS.map((r, i) => (i === 130 ? { ...r, hour: null } : r))
    const err = await predictBatch({
      bundle: toyBundle(),
      input: chunksOf(rows, 100),
      output,
    }).catch((e: unknown) => e)
    expect(err).toMatchObject({
      code: 'VALIDATION_FAILED',
      issues: [{ code: 'missing_value', path: [130, 'hour'] }],
    })
    expect(existsSync(output)).toBe(false)
    await expect(predictBatch({ bundle: toyBundle(), input: [], output })).rejects.toMatchObject({
      code: 'INVALID_DATA',
    })
    await expect(
      predictBatch({ bundle: toyBundle(), input: [], output: join(tmp(), 'x.xlsx') }),
    ).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' })
  })

  it('reads its input with the data readers (CSV file → chunks → parquet)', async () => {
    const dir = tmp()
    const csv = join(dir, 'in.csv')
    writeFileSync(
      csv,
      'distance,hour,origin\n' +
        ROWS.map((r) => [r['distance'] ?? '', r['hour'], r['origin']].map(String).join(',')).join(
          '\n',
        ) +
        '\n',
    )
    const output = join(dir, 'out.parquet')
    const result = await predictBatch({
      bundle: toyBundle(),
      input: readChunks({ path: csv }, { chunkRows: 100, kinds: { origin: 'categorical' } }),
      output,
    })
    expect(result.rows).toBe(250)
    const lib = toyBundle().predictRows(ROWS.map(({ flight: _, ...r }) => r)).predictions
    expect((await readOutput(output)).map(asRecord)).toEqual(
      ROWS.map((_, i) => predictionRecord(lib, i)),
    )
  })
})
