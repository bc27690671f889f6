import { describe, expect, it } from 'vitest'
import { Frame, categoricalColumn, numericColumn, textColumn } from '../frame/index.js'
import { hashCross, numericCross } from './cross.js'
import { featureHasher } from './hashing.js'
import { hashBucket, murmurHash3Signed } from './murmur.js'
import { fixture } from './test-support/fixtures.js'
import { columnData, opts, toMatrix } from './test-support/helpers.js'

describe('feature hasher', () => {
  const fx = fixture('hashing.json').feature_hasher
  const frame = Frame.fromColumns({
    origin: categoricalColumn(fx.rows.map((r: string[]) => r[0])),
    dest: categoricalColumn(fx.rows.map((r: string[]) => r[1])),
  })

  it('matches scikit-learn FeatureHasher(input_type="dict") in dense mode', () => {
    const fitted = featureHasher({ buckets: fx.n_features, output: 'dense' }).fit(frame, opts())
    // Signed unit counts: exact.
    expect(toMatrix(fitted.transform(frame))).toEqual(fx.out)
  })

  it('emits bucket ids as a hashed categorical over the observed buckets', () => {
    const fitted = featureHasher({ buckets: 2 ** 18 }).fit(frame, opts())
    const out = fitted.transform(frame).categorical('origin__hash')
    const expected = fx.rows.map((r: string[]) =>
      String(hashBucket(murmurHash3Signed(`origin=${r[0]}`), 2 ** 18)),
    )
    expect(columnData(out)).toEqual(expected)
    expect(out.dictionary).toBe(fitted.outputs[0]!.categories)
    expect(out.dictionary.at(-1)).toBe('__UNKNOWN__')
    const unseen = fitted.transform(
      Frame.fromColumns({
        origin: textColumn(['NEW-AIRPORT', null]),
        dest: textColumn(['x', 'y']),
      }),
    )
    const bucket = String(hashBucket(murmurHash3Signed('origin=NEW-AIRPORT'), 2 ** 18))
    const label = out.dictionary.includes(bucket) ? bucket : '__UNKNOWN__'
    expect(columnData(unseen.column('origin__hash'))).toEqual([label, null])
  })

  it('hashes numeric columns by name with the value as weight (dense)', () => {
    const f = Frame.fromColumns({ x: numericColumn([2, 0, null]) })
    const out = toMatrix(
      featureHasher({ buckets: 8, output: 'dense', alternateSign: false })
        .fit(f, opts())
        .transform(f),
    )
    const j = hashBucket(murmurHash3Signed('x'), 8)
    expect(out.map((r) => r[j])).toEqual([2, 0, 0])
  })
})

describe('crosses', () => {
  const f = Frame.fromColumns({
    origin: categoricalColumn(['SFO', 'SFO', 'JFK', null]),
    destination: categoricalColumn(['JFK', 'LAX', 'SFO', 'SFO']),
  })

  it('hashes origin × destination into one route column', () => {
    const fitted = hashCross({ buckets: 1024, name: 'route' }).fit(f, opts())
    const out = fitted.transform(f).categorical('route')
    const key = (a: string, b: string) =>
      String(hashBucket(murmurHash3Signed(`origin=${a}\u001fdestination=${b}`), 1024))
    expect(columnData(out)).toEqual([key('SFO', 'JFK'), key('SFO', 'LAX'), key('JFK', 'SFO'), null])
  })

  it('gives the same route for three or more columns through the general path', () => {
    const g = f.withColumns({ carrier: categoricalColumn(['AA', 'AA', 'UA', 'UA']) })
    const out = hashCross({ buckets: 64 }).fit(g, opts()).transform(g)
    const h = hashBucket(murmurHash3Signed('origin=SFO\u001fdestination=JFK\u001fcarrier=AA'), 64)
    expect(columnData(out.column('origin_x_destination_x_carrier'))[0]).toBe(String(h))
  })

  it('multiplies numeric pairs', () => {
    const g = Frame.fromColumns({ a: numericColumn([1, 2, null]), b: numericColumn([3, 4, 5]) })
    const out = numericCross().fit(g, opts()).transform(g)
    expect(out.columnNames).toEqual(['a*b'])
    expect(Array.from(out.numeric('a*b'))).toEqual([3, 8, NaN])
  })
})
