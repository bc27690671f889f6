import { describe, expect, it } from 'vitest'
import { KeelError } from '@keel/core'
import {
  entityKeyText,
  resolveFeatureStore,
  serviceNamed,
  type FeatureStoreInput,
} from './definitions.js'

const base = (): FeatureStoreInput => ({
  sources: { flights: { path: 'flights.parquet' } },
  entities: [{ name: 'airport' }],
  featureViews: [
    {
      name: 'airport_delays',
      source: 'flights',
      entity: 'airport',
      keyColumn: 'origin',
      eventTime: 'departure',
      knownTime: 'arrival',
      aggregations: [{ name: 'late_rate_6h', fn: 'mean', column: 'late', window: '6h' }],
      publishEvery: '1h',
    },
    {
      name: 'airport_info',
      source: { path: 'airports.csv' },
      entity: 'airport',
      eventTime: 'updated',
      noLateness: true,
      ttl: '30d',
      features: [{ name: 'state', kind: 'categorical' }],
    },
  ],
  onDemand: [
    { name: 'hour', kind: 'numeric', compute: (r) => new Date(r['date'] as number).getUTCHours() },
  ],
  featureServices: [
    {
      name: 'flights',
      views: [
        { view: 'airport_delays', key: 'origin', prefix: 'origin_' },
        { view: 'airport_delays', key: 'destination', prefix: 'dest_' },
        { view: 'airport_info', features: ['state'], key: 'origin' },
      ],
      onDemand: ['hour'],
    },
  ],
})

const code = (f: () => unknown): { code: string; path: unknown } => {
  try {
    f()
  } catch (e) {
    if (e instanceof KeelError) return { code: e.code, path: e.path }
    throw e
  }
  throw new Error('expected a KeelError')
}

describe('resolveFeatureStore', () => {
  it('resolves views, services and aliases, with outputs in order', () => {
    const store = resolveFeatureStore(base())
    const delays = store.views.get('airport_delays')!
    expect(delays.windowed).toBe(true)
    expect(delays.keyColumn).toBe('origin')
    expect(delays.publishEveryMs).toBe(3_600_000)
    expect(delays.features[0]).toMatchObject({
      name: 'late_rate_6h',
      column: 'late',
      aggregation: { fn: 'mean', windowMs: 6 * 3_600_000 },
    })
    expect(delays.source).toEqual({ kind: 'file', spec: { path: 'flights.parquet' } })
    const info = store.views.get('airport_info')!
    expect(info.knownTime).toBeNull()
    expect(info.ttlMs).toBe(30 * 86_400_000)
    const svc = serviceNamed(store, 'flights')
    expect(svc.outputs.map((o) => o.name)).toEqual([
      'origin_late_rate_6h',
      'dest_late_rate_6h',
      'state',
      'hour',
    ])
    expect(svc.keyColumns).toEqual(['origin', 'destination'])
    expect(svc.version).toMatch(/^[0-9a-f]{12}$/)
  })

  it('versions a view by its definition: descriptions do not count, values do', () => {
    const a = resolveFeatureStore(base())
    const described = base()
    ;(described.featureViews![0] as { description?: string }).description = 'late rates'
    const b = resolveFeatureStore(described)
    expect(b.views.get('airport_delays')!.version).toBe(a.views.get('airport_delays')!.version)
    const changed = base()
    ;(changed.featureViews![0] as { knownTime?: string }).knownTime = 'landed'
    const c = resolveFeatureStore(changed)
    expect(c.views.get('airport_delays')!.version).not.toBe(a.views.get('airport_delays')!.version)
    expect(c.services.get('flights')!.version).not.toBe(a.services.get('flights')!.version)
    // A changed source spec (another file) is another version too.
    const moved = { ...base(), sources: { flights: { path: 'flights-2.parquet' } } }
    expect(resolveFeatureStore(moved).views.get('airport_delays')!.version).not.toBe(
      a.views.get('airport_delays')!.version,
    )
  })

  it('refuses each broken reference with the path of the problem', () => {
    const missingView = base()
    missingView.featureServices![0]!.views[0]!.view = 'nope'
    expect(code(() => resolveFeatureStore(missingView))).toEqual({
      code: 'INVALID_CONFIG',
      path: ['featureServices', 0, 'views', 0, 'view'],
    })
    const twice = base()
    delete twice.featureServices![0]!.views[1]!.prefix
    twice.featureServices![0]!.views[0]!.prefix = ''
    expect(code(() => resolveFeatureStore(twice)).code).toBe('INVALID_CONFIG')
    const noKnown = base()
    delete (noKnown.featureViews![0] as { knownTime?: string }).knownTime
    expect(code(() => resolveFeatureStore(noKnown)).path).toEqual(['featureViews', 0, 'knownTime'])
    const badSource = base()
    ;(badSource.featureViews![0] as { source: unknown }).source = 'nowhere'
    expect(code(() => resolveFeatureStore(badSource)).path).toEqual(['featureViews', 0, 'source'])
    const badEntity = base()
    badEntity.featureViews![1]!.entity = 'city'
    expect(code(() => resolveFeatureStore(badEntity)).path).toEqual(['featureViews', 1, 'entity'])
    const badFeature = base()
    badFeature.featureServices![0]!.views[2]!.features = ['county']
    expect(code(() => resolveFeatureStore(badFeature)).path).toEqual([
      'featureServices',
      0,
      'views',
      2,
      'features',
      0,
    ])
    const badOnDemand = base()
    badOnDemand.featureServices![0]!.onDemand = ['minute']
    expect(code(() => resolveFeatureStore(badOnDemand)).path).toEqual([
      'featureServices',
      0,
      'onDemand',
      0,
    ])
    const sumWithoutColumn = base()
    delete (sumWithoutColumn.featureViews![0]!.aggregations![0] as { column?: string }).column
    expect(code(() => resolveFeatureStore(sumWithoutColumn)).code).toBe('INVALID_CONFIG')
    const publishPlain = base()
    ;(publishPlain.featureViews![1] as { publishEvery?: string }).publishEvery = '1h'
    expect(code(() => resolveFeatureStore(publishPlain)).path).toEqual([
      'featureViews',
      1,
      'publishEvery',
    ])
    const badName = base()
    badName.entities = [{ name: '9lives' }]
    expect(code(() => resolveFeatureStore(badName)).code).toBe('INVALID_CONFIG')
  })
})

describe('entityKeyText', () => {
  const num = { name: 'user', joinKey: 'user_id', valueType: 'number' as const }
  const str = { name: 'airport', joinKey: 'airport', valueType: 'string' as const }
  it('prints number keys as JavaScript does and keeps text keys', () => {
    expect(entityKeyText(num, 7)).toBe('7')
    expect(entityKeyText(num, '7.0')).toBe('7')
    expect(entityKeyText(str, 'ORD')).toBe('ORD')
    expect(entityKeyText(str, null)).toBeNull()
  })
  it('refuses a key of the wrong type, naming the column', () => {
    expect(code(() => entityKeyText(num, 'ORD'))).toEqual({
      code: 'INVALID_ARGUMENT',
      path: ['user_id'],
    })
    expect(code(() => entityKeyText(str, 12)).code).toBe('INVALID_ARGUMENT')
  })
})
