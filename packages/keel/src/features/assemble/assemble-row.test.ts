import { describe, expect, it } from 'vitest'
import { featureStoreOf } from '../../serving/test-support/feature-store.js'
import { serviceNamed } from '../definitions.js'
import type { LookedUp } from '../point-in-time.js'
import { assembleRow } from './assemble-row.js'

const serviceWith = (onStatus: Record<string, unknown> = {}) =>
  serviceNamed(
    featureStoreOf({
      entities: [{ name: 'airport' }],
      featureViews: [
        {
          name: 'delays',
          source: { push: true },
          entity: 'airport',
          eventTime: 'at',
          noLateness: true,
          features: [
            { name: 'late_rate', kind: 'numeric' },
            { name: 'flights', kind: 'numeric' },
          ],
        },
      ],
      onDemand: [
        {
          name: 'late_flights',
          kind: 'numeric',
          // null inputs give NaN, which is served as null
          compute: (r) => Number(r['origin_late_rate'] ?? NaN) * Number(r['origin_flights'] ?? NaN),
        },
        { name: 'busy', kind: 'boolean', compute: (r) => (r['late_flights'] as number) > 2 },
      ],
      featureServices: [
        {
          name: 's',
          views: [{ view: 'delays', key: 'origin', prefix: 'origin_' }],
          onDemand: ['late_flights', 'busy'],
          onStatus,
        },
      ],
    }),
    's',
  )

const present = (values: Record<string, number | null>): LookedUp => ({
  status: 'present',
  values,
  eventTime: 10,
  knownTime: 12,
})
const notFound: LookedUp = { status: 'not_found', values: null, eventTime: null, knownTime: null }

describe('assembleRow', () => {
  it('names fetched values by prefix and feature, then runs on-demand features in order', () => {
    const request = { origin: 'ATL', hour: 3 }
    const out = assembleRow(serviceWith(), request, [present({ late_rate: 0.5, flights: 8 })])
    expect(out.row).toEqual({
      origin: 'ATL',
      hour: 3,
      origin_late_rate: 0.5,
      origin_flights: 8,
      late_flights: 4,
      busy: true,
    })
    expect(out.served['origin_late_rate']).toEqual({
      value: 0.5,
      status: 'present',
      eventTime: 10,
      knownTime: 12,
    })
    expect(out.served['busy']).toEqual({ value: true, status: 'present' })
    expect(out.rejected).toBeUndefined()
    expect(request).toEqual({ origin: 'ATL', hour: 3 }) // not mutated
  })

  it('gives a present null the null status, and NaN from an on-demand feature null', () => {
    const out = assembleRow(serviceWith(), { origin: 'ATL' }, [
      present({ late_rate: null, flights: 8 }),
    ])
    expect(out.served['origin_late_rate']).toMatchObject({ value: null, status: 'null' })
    expect(out.row['late_flights']).toBeNull()
    expect(out.served['late_flights']).toEqual({ value: null, status: 'null' })
  })

  it('applies the status policy: missing, default, reject', () => {
    const missing = assembleRow(serviceWith(), { origin: 'X' }, [notFound])
    expect(missing.row['origin_late_rate']).toBeNull()
    expect(missing.served['origin_flights']).toEqual({ value: null, status: 'not_found' })
    expect(missing.row['late_flights']).toBeNull()

    const defaulted = assembleRow(serviceWith({ not_found: { default: 1 } }), { origin: 'X' }, [
      notFound,
    ])
    expect(defaulted.row['origin_late_rate']).toBe(1)
    expect(defaulted.served['origin_late_rate']).toEqual({ value: 1, status: 'not_found' })
    expect(defaulted.row['late_flights']).toBe(1)

    const rejected = assembleRow(serviceWith({ outside_ttl: 'reject' }), { origin: 'X' }, [
      { status: 'outside_ttl', values: null, eventTime: 1, knownTime: 1 },
    ])
    expect(rejected.rejected).toEqual({ feature: 'origin_late_rate', status: 'outside_ttl' })
  })

  it('reports an on-demand function that throws or returns an object as INVALID_DATA', () => {
    const s = serviceWith()
    const broken = {
      ...s,
      onDemand: [{ name: 'x', kind: 'numeric' as const, compute: () => ({}) }],
    }
    expect(() => assembleRow(broken, {}, [notFound])).toThrow(
      expect.objectContaining({ code: 'INVALID_DATA', path: ['onDemand', 'x'] }),
    )
    const throwing = {
      ...s,
      onDemand: [
        {
          name: 'y',
          kind: 'numeric' as const,
          compute: () => {
            throw new Error('boom')
          },
        },
      ],
    }
    expect(() => assembleRow(throwing, {}, [notFound])).toThrow(/"y" failed: boom/)
  })
})
