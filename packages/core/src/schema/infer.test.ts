import { describe, expect, it } from 'vitest'
import {
  Frame,
  booleanColumn,
  categoricalColumn,
  numericColumn,
  timestampColumn,
} from '../frame/index.js'
import { inferContract } from './infer.js'
import { profileFrame } from './profile.js'

const sentences = Array.from(
  { length: 40 },
  (_, i) => `this is a rather long comment number ${i} about a flight`,
)

const frame = (): Frame =>
  Frame.fromColumns({
    flight_id: numericColumn(Array.from({ length: 40 }, (_, i) => i + 1)),
    user_id: categoricalColumn(Array.from({ length: 40 }, (_, i) => `u${i % 7}`)),
    departed_at: timestampColumn(Array.from({ length: 40 }, (_, i) => i * 60_000)),
    origin: categoricalColumn(Array.from({ length: 40 }, (_, i) => ['SFO', 'JFK', 'ORD'][i % 3]!)),
    comment: categoricalColumn(sentences),
    constant: numericColumn(Array.from({ length: 40 }, () => 1)),
    sample_weight: numericColumn(Array.from({ length: 40 }, () => 2)),
    target: booleanColumn(Array.from({ length: 40 }, (_, i) => i % 2 === 0)),
  })

describe('inferContract', () => {
  it('suggests kinds and roles from names and cardinality, with reasons', () => {
    const { contract, notes } = inferContract(frame())
    const field = (n: string) => contract.fields.find((f) => f.name === n)
    expect(field('flight_id')).toEqual({
      name: 'flight_id',
      kind: 'numeric',
      role: 'id',
      unique: true,
      nullable: false,
    })
    expect(field('user_id')).toMatchObject({ kind: 'categorical', role: 'entity' })
    expect(field('departed_at')).toMatchObject({ kind: 'timestamp', role: 'timestamp' })
    expect(field('origin')).toEqual({ name: 'origin', kind: 'categorical', role: 'feature' })
    expect(field('comment')).toMatchObject({ kind: 'text', role: 'feature' })
    expect(field('constant')).toMatchObject({ role: 'ignore' })
    expect(field('sample_weight')).toMatchObject({ role: 'weight' })
    expect(field('target')).toMatchObject({ kind: 'boolean', role: 'label', nullable: false })
    expect(notes.find((n) => n.column === 'comment')!.message).toMatch(/free text/)
  })

  it('honours an explicit label and pins observed constraints when strict', () => {
    const { contract } = inferContract(profileFrame(frame(), { topK: 60 }), {
      label: 'origin',
      strict: true,
    })
    const origin = contract.fields.find((f) => f.name === 'origin')!
    expect(origin).toMatchObject({
      role: 'label',
      nullable: false,
      categories: ['JFK', 'ORD', 'SFO'],
    })
    expect(contract.fields.find((f) => f.name === 'target')!.role).toBe('feature')
    expect(contract.fields.find((f) => f.name === 'departed_at')).toMatchObject({
      range: { min: 0, max: 39 * 60_000 },
    })
  })
})
