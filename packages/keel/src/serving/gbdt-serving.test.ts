import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { Frame, inputRowsToFrame, predictionRecord } from '@keel/core'
import { createMemoryEventLog } from '../stores/events/index.js'
import { predictBatch } from '../batch/index.js'
import { createMemoryBundleSource } from './bundle-source.js'
import { createServer } from './server.js'
import type { KeelServer } from './server-types.js'
import type { PredictResponse } from './predict/response.js'
import { flightsLikeRows, gbdtFlightsBundle } from './test-support/gbdt-bundle.js'

/** Library == HTTP == batch for a real GBDT bundle that went through its JSON artifact form. */
describe('serving a GBDT bundle', () => {
  const bundle = gbdtFlightsBundle()
  const { rows } = flightsLikeRows(300, 99)
  let server: KeelServer
  beforeAll(async () => {
    const source = createMemoryBundleSource()
    source.put('flights', '1', bundle)
    source.setAlias('flights', 'production', '1')
    server = createServer({
      source,
      models: ['flights'],
      eventLog: createMemoryEventLog(),
      defaultMetrics: false,
      reloadIntervalMs: 0,
    })
    await server.ready()
  })
  afterAll(async () => {
    await server.close()
  })

  it('answers identically from the library, HTTP and a batch job', async () => {
    const lib = bundle.predictRows(rows).predictions
    const res = await server.app.request('/v1/models/flights/predict', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ rows }),
    })
    expect(res.status).toBe(200)
    const http = ((await res.json()) as PredictResponse).predictions.map(
      ({ id: _, decision: __, ...r }) => r,
    )
    expect(http).toEqual(rows.map((_, i) => predictionRecord(lib, i)))

    const dir = mkdtempSync(join(tmpdir(), 'keel-gbdt-batch-'))
    try {
      const output = join(dir, 'out.ndjson')
      const kinds = {
        hour: 'numeric',
        dow: 'numeric',
        distance: 'numeric',
        origin: 'categorical',
        destination: 'categorical',
      } as const
      const chunks = [
        Frame.fromRows(rows.slice(0, 120), kinds),
        Frame.fromRows(rows.slice(120), kinds),
      ]
      await predictBatch({ bundle, input: chunks, output })
      const batch = readFileSync(output, 'utf8')
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l) as Record<string, number | string | boolean>)
      expect(
        batch.map((b) => ({
          prediction: b['prediction'],
          probabilities: { on_time: b['p_on_time'], late: b['p_late'] },
          confidence: b['confidence'],
          defer: b['defer'],
        })),
      ).toEqual(http)
    } finally {
      rmSync(dir, { recursive: true, force: true })
    }
  })

  it('explains with TreeSHAP contributions that sum to the raw score', async () => {
    const some = rows.slice(0, 20)
    const res = await server.app.request('/v1/models/flights/predict?explain=true', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ rows: some }),
    })
    const body = (await res.json()) as PredictResponse
    const raw = bundle.predict(inputRowsToFrame(some, bundle.inputs)).raw
    body.predictions.forEach((p, i) => {
      const c = p.contributions as { features: Record<string, number>; bias: number }
      expect(Object.keys(c.features)).toEqual(['hour', 'dow', 'distance', 'origin', 'destination'])
      // TreeSHAP is exact up to floating-point summation order over ~20 trees: 1e-9 is ample.
      expect(
        Math.abs(Object.values(c.features).reduce((s, v) => s + v, c.bias) - raw[i]!),
      ).toBeLessThan(1e-9)
    })
  })
})
