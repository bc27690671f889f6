import { cpSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { join, resolve } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { readFrame } from '../../data/index.js'
import { getHistoricalFeatures, projectFeatureDefinitions } from '../../features/index.js'
import { loadProject } from '../../project/index.js'
import { openSqliteEventLog, sqliteEventLogPath } from '../../stores/events/sqlite-event-log.js'
import type { PredictionEvent, ServedFeature } from '../../stores/events/types.js'
import type { ConsistencyReport } from '../../features/index.js'
import { runKeel } from '../test-support/run-cli.js'

// One small project, run through every `keel features` command in order: the online store and
// the watermarks a command leaves are what the next one reads.

const root = resolve(import.meta.dirname, '../../../../../.tmp', `cli-features-test-${process.pid}`)
const T0 = Date.UTC(2026, 0, 1)
const HOUR = 3_600_000
/** A time `h` hours after T0, as the CLI takes it. */
const at = (h: number): string => new Date(T0 + h * HOUR).toISOString()

/**
 * Hourly airport weather with a late row (ORD's 02:00 reading arrives at 04:30) and a null
 * temperature (JFK at 03:00); flights for a windowed view of late rates, published hourly.
 */
const WEATHER = `airport,event_time,known_time,temp,sky
ORD,${at(0)},${at(0.5)},10,clear
ORD,${at(2)},${at(4.5)},12,rain
JFK,${at(1)},${at(1)},5,cloudy
JFK,${at(3)},${at(3.25)},,snow
`
const FLIGHTS = `origin,destination,departed,landed,late
ORD,JFK,${at(0.25)},${at(2.25)},1
ORD,JFK,${at(1.5)},${at(3.5)},0
JFK,ORD,${at(0.75)},${at(3)},1
`
/** The "Feature store" section of the README: its config block and its commands. */
const README = readFileSync(resolve(import.meta.dirname, '../../../../../README.md'), 'utf8')
const SECTION = README.slice(README.indexOf('## Feature store'))
const block = (lang: string): string => {
  const m = new RegExp('```' + lang + '\\n([\\s\\S]*?)```').exec(
    SECTION.slice(0, SECTION.indexOf('\n## ')),
  )
  if (!m) throw new Error(`no ${lang} block in the README's Feature store section`)
  return m[1]!
}
/** The README's command lines, as arguments after `npx keel`. */
const COMMANDS = block('sh')
  .split('\n')
  .filter((l) => l.startsWith('npx keel '))
  .map((l) =>
    l
      .replace(/\s+#.*$/, '')
      .split(/\s+/)
      .slice(2),
  )
/** The one README command whose text contains `part`. */
const readme = (part: string): string[] => {
  const found = COMMANDS.filter((c) => c.join(' ').includes(part))
  if (found.length !== 1) throw new Error(`${found.length} README commands contain "${part}"`)
  return found[0]!
}

/**
 * The README's project, plus a view of pushed values and a service over it. `defineProject` only
 * types the object; it is left out so each command does not load all of Keel into the config.
 */
const CONFIG = block('ts')
  .replace("import { defineProject } from 'keel'\n", '')
  .replace('export default defineProject({', 'export default ({')
  .replace(
    'featureViews: [',
    `featureViews: [
    {
      name: 'notes',
      source: { push: true },
      entity: 'airport',
      eventTime: 'ts',
      noLateness: true,
      features: [{ name: 'note', kind: 'categorical' }],
    },`,
  )
  .replace(
    'featureServices: [',
    "featureServices: [\n    { name: 'noted', views: [{ view: 'notes', key: 'origin' }] },",
  )

/** Entity rows: a trip ORD → JFK at 02:30 (where the late ORD row matters) and later ones. */
const TRIPS = `origin,destination,t,late
ORD,JFK,${at(2.5)},1
ORD,JFK,${at(4)},0
JFK,ORD,${at(3.5)},1
BOS,ORD,${at(1)},0
`

let dir: string
beforeAll(() => {
  dir = join(root, 'project')
  rmSync(dir, { recursive: true, force: true })
  mkdirSync(dir, { recursive: true })
  writeFileSync(join(dir, 'weather.csv'), WEATHER)
  writeFileSync(join(dir, 'flights.csv'), FLIGHTS)
  writeFileSync(join(dir, 'trips.csv'), TRIPS)
  writeFileSync(join(dir, 'keel.config.ts'), CONFIG)
})
afterAll(() => rmSync(root, { recursive: true, force: true }))

const keel = (...args: string[]) => runKeel([...args, '-C', dir, '--json'])

interface ErrorJson {
  code: string
  message: string
  path?: unknown[]
  hint?: string
}
const errorOf = (json: unknown): ErrorJson => (json as { error: ErrorJson }).error

interface Listing {
  online: string
  views: {
    name: string
    version: string
    source: string
    materializedTo: number | null
    ttlMs: number | null
  }[]
  services: { name: string; version: string; keyColumns: string[]; outputs: string[] }[]
}
interface GetResult {
  version: string
  at: number
  values: Record<string, ServedFeature>
}
/** `keel features historical` of trips.csv. */
const historical = (output: string, timeColumn = 't', service = 'trip') =>
  keel(
    'features',
    'historical',
    '--service',
    service,
    '--input',
    'trips.csv',
    '--time-column',
    timeColumn,
    '--output',
    output,
  )
/** `keel features get` of the trip service for one origin and destination. */
const getTrip = (origin: string, destination: string, ...more: string[]) =>
  keel(
    'features',
    'get',
    '--service',
    'trip',
    '--key',
    `origin=${origin}`,
    '--key',
    `destination=${destination}`,
    ...more,
  )
/** {@link getTrip} at `h` hours, which must succeed. */
const get = async (
  origin: string,
  destination: string,
  h: number,
  ...more: string[]
): Promise<GetResult> => {
  const r = await getTrip(origin, destination, '--at', at(h), ...more)
  expect(r.code, r.stdout).toBe(0)
  return r.json as GetResult
}

describe('keel features', () => {
  it('list: versions, key columns and outputs; nothing materialized yet', async () => {
    const r = await keel(...readme('features list'))
    expect(r.code, r.stdout).toBe(0)
    const l = r.json as Listing
    expect(l.online).toBe('sqlite')
    expect(l.views.map((v) => [v.name, v.materializedTo, v.ttlMs])).toEqual([
      ['notes', null, null],
      ['weather', null, 3 * HOUR],
      ['airport_delays', null, null],
    ])
    for (const v of l.views) expect(v.version).toMatch(/^[0-9a-f]{6,}$/)
    // Relative paths are the project root's, whatever the working directory.
    expect(l.views.map((v) => v.source)).toEqual(['pushed', 'weather.csv', 'flights.csv'])
    // Moved to another folder, the project keeps its versions: they hash the paths as written.
    const moved = join(root, 'moved')
    cpSync(dir, moved, { recursive: true })
    const there = (await runKeel(['features', 'list', '-C', moved, '--json'])).json as Listing
    expect(there.views.map((v) => v.version)).toEqual(l.views.map((v) => v.version))
    expect(there.services.map((s) => s.version)).toEqual(l.services.map((s) => s.version))
    expect(l.services.map((s) => s.name)).toEqual(['noted', 'trip'])
    expect(l.services.slice(1)).toEqual([
      expect.objectContaining({
        name: 'trip',
        keyColumns: ['origin', 'destination'],
        outputs: [
          'origin_temp',
          'origin_sky',
          'dest_temp',
          'origin_late_rate_6h',
          'origin_landed_6h',
          'temp_gap',
        ],
      }),
    ])
  })

  it('materialize, then get: present, null, not_found and outside_ttl at chosen times', async () => {
    const m = await keel(...readme('materialize --service trip'))
    expect(m.code, m.stdout).toBe(0)
    const views = (m.json as { views: { view: string; mode: string; to: number }[] }).views
    expect(views.map((v) => [v.view, v.mode, v.to])).toEqual([
      ['weather', 'incremental', T0 + 4 * HOUR],
      ['airport_delays', 'incremental', T0 + 4 * HOUR],
    ])
    const l = (await keel('features', 'list')).json as Listing
    expect(l.views.map((v) => v.materializedTo)).toEqual([null, T0 + 4 * HOUR, T0 + 4 * HOUR])

    // At 02:00: ORD's 00:00 reading. JFK's stored row is its newest as of 04:00 (03:00), not
    // available yet at 02:00, and the online store keeps nothing older: not_found.
    const two = await get('ORD', 'JFK', 2)
    expect(two.values.origin_temp).toEqual({
      value: 10,
      status: 'present',
      eventTime: T0,
      knownTime: T0 + 0.5 * HOUR,
    })
    expect(two.values.origin_sky).toMatchObject({ value: 'clear', status: 'present' })
    expect(two.values.dest_temp).toEqual({ value: null, status: 'not_found' })
    expect(two.values.origin_late_rate_6h).toEqual({ value: null, status: 'not_found' })
    // The on-demand gap needs both temperatures.
    expect(two.values.temp_gap).toEqual({ value: null, status: 'null' })

    // TTL is half-open: ORD's 00:00 reading is present until just before 03:00.
    expect((await get('ORD', 'JFK', 2.999)).values.origin_temp!.status).toBe('present')
    expect((await get('ORD', 'JFK', 3)).values.origin_temp!.status).toBe('outside_ttl')

    // At 04:00: ORD's reading is outside its TTL (its 02:00 one is not known until 04:30, after
    // --to); JFK's temperature is null; the late rate published at 04:00 covers ORD's two landed
    // flights.
    const four = await get('ORD', 'JFK', 4)
    expect(four.values.origin_temp).toEqual({
      value: null,
      status: 'outside_ttl',
      eventTime: T0,
      knownTime: T0 + 0.5 * HOUR,
    })
    expect(four.values.dest_temp).toEqual({
      value: null,
      status: 'null',
      eventTime: T0 + 3 * HOUR,
      knownTime: T0 + 3.25 * HOUR,
    })
    expect(four.values.origin_late_rate_6h).toEqual({
      value: 0.5,
      status: 'present',
      eventTime: T0 + 4 * HOUR,
      knownTime: T0 + 4 * HOUR,
    })
    expect(four.values.origin_landed_6h).toMatchObject({ value: 2, status: 'present' })

    // An airport the store has never seen; the other key still reads.
    const bos = await get('BOS', 'ORD', 2)
    expect(bos.values.origin_temp).toEqual({ value: null, status: 'not_found' })
    expect(bos.values.dest_temp).toMatchObject({ value: 10, status: 'present' })

    // The text rendering names the service, the keys and each status.
    const text = await runKeel([...readme('features get'), '-C', dir])
    expect(text.code).toBe(0)
    expect(text.stdout).toMatch(
      /trip@[0-9a-f]+ at 2026-01-01T04:00:00.000Z for origin=ORD, destination=JFK/,
    )
    expect(text.stdout).toMatch(/origin_temp\s+outside_ttl/)
  })

  it('materialize incrementally to a later time, then back to an earlier one with --full', async () => {
    const later = await keel('features', 'materialize', '--view', 'weather', '--to', at(6))
    expect(later.code, later.stdout).toBe(0)
    // The late ORD reading is online now: present from 04:30, when it became known.
    expect((await get('ORD', 'JFK', 4.25)).values.origin_temp!.status).toBe('not_found')
    const after = await get('ORD', 'JFK', 4.75)
    expect(after.values.origin_temp).toMatchObject({ value: 12, status: 'present' })
    expect(after.values.origin_sky).toMatchObject({ value: 'rain', status: 'present' })

    // Incremental runs only move forward; --full rebuilds as of an earlier time.
    const back = await keel('features', 'materialize', '--view', 'weather', '--to', at(4))
    expect(back.code).toBe(2)
    expect(errorOf(back.json)).toMatchObject({
      code: 'INVALID_ARGUMENT',
      path: ['--to'],
      hint: '--full rebuilds the online values as of an earlier time',
    })
    expect(errorOf(back.json).message).toMatch(
      /^cannot materialize weather@[0-9a-f]+ incrementally to 2026-01-01T04:00:00.000Z: its watermark in sqlite is already 2026-01-01T06:00:00.000Z$/,
    )
    const full = await keel(...readme('materialize --view weather'))
    expect(full.code, full.stdout).toBe(0)
    expect((full.json as { views: { mode: string }[] }).views[0]!.mode).toBe('full')
    const l = (await keel('features', 'list')).json as Listing
    expect(l.views[1]!.materializedTo).toBe(T0 + 4 * HOUR)
    // Back to the 00:00 reading.
    expect((await get('ORD', 'JFK', 2)).values.origin_temp).toMatchObject({ value: 10 })
    expect((await get('ORD', 'JFK', 4.75)).values.origin_temp!.status).toBe('outside_ttl')
  })

  it('historical writes the CSV getHistoricalFeatures gives; --as-of event leaks the late row', async () => {
    const run = async (output: string) => {
      const r = await keel(...readme(`--output ${output}`))
      expect(r.code, r.stdout).toBe(0)
      return {
        result: r.json as { rows: number; statuses: Record<string, Record<string, number>> },
        rows: (await readFrame({ path: join(dir, output) })).toRows(),
      }
    }
    const known = await run('training.csv')
    expect(known.result.rows).toBe(4)
    // ORD at 02:30 present, ORD at 04:00 outside its TTL, JFK at 03:30 null, BOS not found.
    expect(known.result.statuses.origin_temp).toEqual({
      present: 1,
      null: 1,
      not_found: 1,
      outside_ttl: 1,
    })

    // The same join through the library.
    const project = await loadProject({ cwd: dir })
    const entityRows = await readFrame({ path: join(dir, 'trips.csv') })
    const lib = await getHistoricalFeatures(projectFeatureDefinitions(project), entityRows, {
      service: 'trip',
      timeColumn: 't',
    })
    const outputs = ['origin_temp', 'origin_sky', 'dest_temp', 'origin_late_rate_6h', 'temp_gap']
    const pick = (rows: readonly Record<string, unknown>[]) =>
      rows.map((r) => outputs.map((o) => r[o] ?? null))
    expect(pick(known.rows)).toEqual(pick(lib.frame.toRows()))
    // ORD at 02:30: the 00:00 reading as of known time, the 02:00 one (known at 05:00) as of event.
    expect(known.rows[0]).toMatchObject({ origin_temp: 10, origin_sky: 'clear', dest_temp: 5 })
    expect(known.rows[0]!.temp_gap).toBe(5)
    // Times are written as they were read, ISO-8601.
    expect(readFileSync(join(dir, 'training.csv'), 'utf8').split('\n')[1]).toBe(
      `ORD,JFK,${at(2.5)},1,10,clear,5,,,5`,
    )
    const event = await run('naive.csv')
    expect(event.rows[0]).toMatchObject({ origin_temp: 12, origin_sky: 'rain', temp_gap: 7 })
    // ORD at 04:00: outside the TTL as of known time, the 02:00 reading as of event time.
    expect(known.rows[1]).toMatchObject({ origin_temp: null })
    expect(event.rows[1]).toMatchObject({ origin_temp: 12 })
  })

  it('historical reads pushed views from the feature log (none pushed: not_found), and writes NDJSON', async () => {
    const r = await historical('noted.ndjson', 't', 'noted')
    expect(r.code, r.stdout).toBe(0)
    expect((r.json as { statuses: unknown }).statuses).toEqual({
      note: { present: 0, null: 0, not_found: 4, outside_ttl: 0 },
    })
    const lines = readFileSync(join(dir, 'noted.ndjson'), 'utf8').trim().split('\n')
    expect(lines.map((l) => JSON.parse(l) as unknown)[0]).toEqual({
      origin: 'ORD',
      destination: 'JFK',
      t: at(2.5),
      late: 1,
      note: null,
    })
  })

  it('history, check and historical read no online store: an unreachable one does not matter', async () => {
    const before = process.env['KEEL_ONLINE_STORE']
    process.env['KEEL_ONLINE_STORE'] = 'redis://127.0.0.1:1'
    try {
      expect((await keel(...readme('features history'))).code).toBe(0)
      expect((await keel('features', 'check', '--service', 'trip')).code).toBe(0)
      expect((await historical('noted.csv', 't', 'noted')).code).toBe(0)
    } finally {
      if (before === undefined) delete process.env['KEEL_ONLINE_STORE']
      else process.env['KEEL_ONLINE_STORE'] = before
    }
  })

  it('history: the validity intervals of one key', async () => {
    const r = await keel(...readme('features history'))
    expect(r.code, r.stdout).toBe(0)
    const h = r.json as {
      intervals: {
        validFrom: number
        validTo: number | null
        status: string
        values: Record<string, unknown> | null
      }[]
    }
    expect(
      h.intervals.map((i) => [
        (i.validFrom - T0) / HOUR,
        i.validTo === null ? null : (i.validTo - T0) / HOUR,
        i.status,
        i.values?.temp ?? null,
      ]),
    ).toEqual([
      [0, 0.5, 'not_found', null],
      [0.5, 3, 'present', 10],
      [3, 4.5, 'outside_ttl', null],
      [4.5, 5, 'present', 12],
      [5, null, 'outside_ttl', null],
    ])
  })
})

describe('keel features check', () => {
  /** Predictions logged with the values `features get` read (what the service serves). */
  const served = async (model: string, skew = 0): Promise<PredictionEvent[]> => {
    const trips: [string, string, number][] = [
      ['ORD', 'JFK', 4],
      ['ORD', 'JFK', 4.25],
      ['JFK', 'ORD', 4],
      ['BOS', 'ORD', 4.1],
    ]
    // One CLI call at a time: each captures the process's stdout.
    const events: PredictionEvent[] = []
    for (const [i, [origin, destination, h]] of trips.entries()) {
      const r = await get(origin, destination, h)
      const values = { ...r.values }
      const rate = values.origin_late_rate_6h!
      if (skew !== 0 && typeof rate.value === 'number') {
        values.origin_late_rate_6h = { ...rate, value: rate.value + skew }
      }
      events.push({
        kind: 'prediction',
        id: `${model}-${i}:0`,
        requestId: `${model}-${i}`,
        time: r.at,
        model,
        version: '1',
        inputs: { origin, destination },
        output: { prediction: 0, defer: false },
        features: { service: 'trip', version: r.version, at: r.at, values },
      })
    }
    return events
  }

  it('finds no mismatch in what was served; a skewed writer is caught and fails the gate', async () => {
    // As materialized above: both views up to 04:00.
    const log = openSqliteEventLog(sqliteEventLogPath(dir))
    await log.append([...(await served('clean')), ...(await served('skewed', 0.1))])
    await log.close()

    const check = (model: string, ...more: string[]) =>
      keel('features', 'check', '--service', 'trip', '--model', model, ...more)
    const clean = await check('clean', '--max-mismatch-rate', '0')
    expect(clean.code, clean.stdout).toBe(0)
    const ok = clean.json as ConsistencyReport
    expect(ok).toMatchObject({ service: 'trip', eligible: 4, checked: 4 })
    expect(ok.overall.predictionsWithMismatch).toBe(0)
    expect(ok.perFeature.map((f) => f.feature)).toContain('temp_gap')

    const skewed = await check('skewed', '--max-mismatch-rate', '0')
    expect(skewed.code).toBe(1)
    const bad = skewed.json as ConsistencyReport
    const rate = bad.perFeature.find((f) => f.feature === 'origin_late_rate_6h')!
    // Three trips leave from an airport with a published late rate; BOS has none.
    expect(rate).toMatchObject({ checked: 4, mismatches: 3, byReason: { value: 3, status: 0 } })
    expect(rate.examples[0]).toMatchObject({
      key: { origin: 'ORD' },
      served: { value: 0.6 },
      offline: { value: 0.5, status: 'present' },
    })
    expect(bad.perFeature.filter((f) => f.mismatches > 0)).toHaveLength(1)

    // The README's check reads the whole log, the skewed predictions too.
    expect((await keel(...readme('features check'))).code).toBe(1)
    // Without a bound the report alone is the answer: exit 0.
    expect((await check('skewed')).code).toBe(0)
  })
})

describe('keel features --help', () => {
  it.each(['list', 'materialize', 'historical', 'history', 'get', 'check'])(
    '%s explains itself with an example',
    async (command) => {
      const r = await runKeel(['features', command, '--help'])
      expect(r.code).toBe(0)
      expect(r.stdout).toMatch(new RegExp(`Usage: keel features ${command}`))
      expect(r.stdout).toMatch(new RegExp(`Examples?:\\n  keel features ${command}\\b`))
    },
  )
})

describe('keel features: bad input', () => {
  it('an unknown service or view is NOT_FOUND (exit 5) naming it', async () => {
    const s = await keel('features', 'get', '--service', 'tirp', '--key', 'origin=ORD')
    expect(s.code).toBe(5)
    expect(errorOf(s.json)).toMatchObject({ code: 'NOT_FOUND' })
    expect(errorOf(s.json).message).toMatch(/tirp/)
    const v = await keel('features', 'history', 'wether', 'ORD')
    expect(v.code).toBe(5)
    expect(errorOf(v.json).message).toMatch(/wether/)
    const m = await keel('features', 'materialize', '--view', 'nope')
    expect(m.code).toBe(5)
    // Two services: check needs to be told which.
    const which = await keel('features', 'check')
    expect(which.code).toBe(2)
    expect(errorOf(which.json)).toMatchObject({
      code: 'INVALID_ARGUMENT',
      message: 'name the feature service to check',
    })
  })

  it('a malformed or incomplete --key, a bad --to and an output extension are INVALID_ARGUMENT (exit 2)', async () => {
    const bad = await keel('features', 'get', '--service', 'trip', '--key', 'ORD')
    expect(bad.code).toBe(2)
    expect(errorOf(bad.json).message).toBe('--key takes column=value, got "ORD"')
    const missing = await keel('features', 'get', '--service', 'trip', '--key', 'origin=ORD')
    expect(missing.code).toBe(2)
    expect(errorOf(missing.json).message).toMatch(/--key destination=/)
    const other = await getTrip('ORD', 'JFK', '--key', 'carrier=AA')
    expect(other.code).toBe(2)
    expect(errorOf(other.json).message).toBe(
      'feature service "trip" has no key column carrier (its keys: origin, destination)',
    )
    const twice = await keel(
      'features',
      'get',
      '--service',
      'trip',
      '--key',
      'origin=ORD',
      '--key',
      'origin=JFK',
    )
    expect(twice.code).toBe(2)
    expect(errorOf(twice.json).message).toBe('--key origin is given twice')
    const column = await historical('x.csv', 'when')
    expect(column.code).toBe(2)
    expect(errorOf(column.json).message).toBe(
      'the entity rows have no column "when" (the time column)',
    )
    const to = await keel('features', 'materialize', '--to', 'yesterday-ish')
    expect(to.code).toBe(2)
    expect(errorOf(to.json).code).toBe('INVALID_ARGUMENT')
    const out = await historical('training.parquet')
    expect(out.code).toBe(2)
    expect(errorOf(out.json).message).toBe(
      'write the features as .csv, .ndjson or .jsonl, not .parquet',
    )
    const nowhere = await historical('no/such/folder/training.csv')
    expect(nowhere.code).toBe(5)
    expect(errorOf(nowhere.json).code).toBe('FILE_NOT_FOUND')
  })
})

const REDIS_URL = process.env['KEEL_TEST_REDIS_URL']

if (REDIS_URL === undefined) {
  describe.skip('keel features on Redis (skipped: KEEL_TEST_REDIS_URL is not set)', () => {
    it('runs when KEEL_TEST_REDIS_URL names a Redis server', () => undefined)
  })
} else {
  describe('keel features on Redis', () => {
    it('--online redis://… materializes and reads the same values as the embedded store', async () => {
      // A rebuild makes the result independent of what an earlier run left under these versions.
      const m = await keel(
        'features',
        'materialize',
        '--service',
        'trip',
        '--to',
        at(4),
        '--full',
        '--online',
        REDIS_URL,
      )
      expect(m.code, m.stdout).toBe(0)
      const l = (await keel('features', 'list', '--online', REDIS_URL)).json as Listing
      expect(l.online).toBe('redis')
      expect(l.views.map((v) => v.materializedTo)).toEqual([null, T0 + 4 * HOUR, T0 + 4 * HOUR])
      const onRedis = await get('ORD', 'JFK', 4, '--online', REDIS_URL)
      expect(onRedis.values).toEqual((await get('ORD', 'JFK', 4)).values)
    })
  })
}
