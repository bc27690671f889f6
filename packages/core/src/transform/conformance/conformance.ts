/**
 * The transformer conformance suite: the invariants that make serving identical to training, run
 * against every transformer (Keel's built-in kinds and composites, or a third party's). Call it
 * from a `*.test.ts` file:
 *
 * @example
 * runTransformerConformance([
 *   { name: 'standard-scaler', columns: ['num', 'pos'], make: () => standardScaler() },
 *   { name: 'target-encoder', columns: ['cat'], make: () => targetEncoder(), target: true },
 * ])
 *
 * The transformer's kind must be registered (`registerTransformer` or `registerTransformerKind`)
 * so that the round-trip can go
 * through `loadTransformer`. Every check is on by default; a case that cannot meet one passes
 * `skip: { check: 'reason' }`, and the reason shows in the test title. Checks:
 *
 * - `rowAlone`: a row transformed alone (as a 1-row frame with its own, minimal dictionaries)
 *   gives exactly the values it gets inside the batch;
 * - `roundtrip`: serialize → JSON text → load → transform is bit-identical, and the reloaded JSON
 *   is unchanged;
 * - `fitScope`: the same seed and data give the same fitted JSON, and fitting reads only the
 *   training rows. The API takes only the training frame, and a frame sliced from a larger one
 *   holds typed-array views that cannot be read past their end, so the one way other rows can leak
 *   in is through shared categorical dictionaries, which list the categories of every row of the
 *   parent frame. The check slices a training frame out of a larger one and requires it to fit
 *   exactly like the same rows rebuilt alone (minimal dictionaries). Neither fit nor transform
 *   mutates its input;
 * - `columnsByName`: input columns are matched by name: reordered and extra columns change
 *   nothing, a missing one is a SCHEMA_MISMATCH.
 */
import { describe, expect, it } from 'vitest'
import { fc, test } from '@fast-check/vitest'
import { isKeelError } from '../../errors/index.js'
import { Frame } from '../../frame/index.js'
import { createRng } from '../../random/index.js'
import type { FittedTransformer, Transformer, TransformerFitOptions } from '../protocol.js'
import { loadTransformer } from '../registry.js'
import { expectSameFrame, frameSnapshot } from './frames.js'
import {
  CONFORMANCE_COLUMNS,
  conformanceFrame,
  conformanceRows,
  conformanceTarget,
  type ConformanceRow,
} from './rows.js'

/** The names of the checks, for `skip`. */
export type TransformerCheck = 'rowAlone' | 'roundtrip' | 'fitScope' | 'columnsByName'

/** One transformer configuration for {@link runTransformerConformance}. */
export interface TransformerConformanceCase {
  /** Shown in test titles. */
  readonly name: string
  /** The columns of the conformance rows it reads (see `CONFORMANCE_COLUMNS`). */
  readonly columns: readonly string[]
  /** A fresh, unfitted transformer. */
  readonly make: () => Transformer
  /** Fit with the binary target `y` (target encoders). */
  readonly target?: boolean
  /** Checks this transformer cannot meet, each with the reason. */
  readonly skip?: Partial<Record<TransformerCheck, string>>
}

const fitOptions = (
  rs: readonly ConformanceRow[],
  c: TransformerConformanceCase,
): TransformerFitOptions =>
  c.target
    ? { rng: createRng(11), y: conformanceTarget(rs), task: 'binary' }
    : { rng: createRng(11) }

const reload = (fitted: FittedTransformer): FittedTransformer =>
  loadTransformer(JSON.parse(JSON.stringify(fitted.toJSON())))

/** Register the conformance tests for each case (see the module doc). */
export const runTransformerConformance = (cases: readonly TransformerConformanceCase[]): void => {
  describe.each(cases)('$name conforms', (c) => {
    const skipped = (check: TransformerCheck, title: string): boolean => {
      const reason = c.skip?.[check]
      if (reason) it.skip(`${title} (skipped: ${reason})`, () => {})
      return reason !== undefined
    }

    const rowAlone = 'a row alone equals the row in the batch'
    if (!skipped('rowAlone', rowAlone)) {
      test.prop([conformanceRows], { numRuns: 15 })(rowAlone, (rs) => {
        const frame = conformanceFrame(rs).select(c.columns)
        const fitted = c.make().fit(frame, fitOptions(rs, c))
        const batch = fitted.transform(frame)
        rs.forEach((r, i) => {
          const { y: _y, ...cellsOfRow } = r
          const alone = Frame.fromRows([cellsOfRow], CONFORMANCE_COLUMNS).select(c.columns)
          expectSameFrame(fitted.transform(alone), batch.slice(i, i + 1), `row ${i}`)
        })
      })
    }

    const roundtrip = 'serialize → load → transform is identical'
    if (!skipped('roundtrip', roundtrip)) {
      test.prop([conformanceRows], { numRuns: 15 })(roundtrip, (rs) => {
        const frame = conformanceFrame(rs).select(c.columns)
        const fitted = c.make().fit(frame, fitOptions(rs, c))
        const loaded = reload(fitted)
        expect(loaded.toJSON()).toEqual(JSON.parse(JSON.stringify(fitted.toJSON())))
        expect(loaded.outputs).toEqual(fitted.outputs)
        expectSameFrame(loaded.transform(frame), fitted.transform(frame), 'reloaded')
      })
    }

    const fitScope = 'fits on the training rows only and deterministically; never mutates'
    if (!skipped('fitScope', fitScope)) {
      test.prop([conformanceRows, fc.integer({ min: 4, max: 8 })], { numRuns: 15 })(
        fitScope,
        (rs, k) => {
          const full = conformanceFrame(rs).select(c.columns)
          const train = full.slice(0, k) // shares dictionaries that name categories of later rows
          const rebuilt = conformanceFrame(rs.slice(0, k)).select(c.columns)
          const before = frameSnapshot(full)
          let a: ReturnType<Transformer['fitTransform']>
          try {
            a = c.make().fitTransform(train, fitOptions(rs.slice(0, k), c))
          } catch (e) {
            // A small training slice can legitimately be unfit (all-missing, empty vocabulary):
            // then the rebuilt frame must fail the same way.
            expect(isKeelError(e)).toBe(true)
            expect(() => c.make().fitTransform(rebuilt, fitOptions(rs.slice(0, k), c))).toThrow()
            return
          }
          const b = c.make().fitTransform(rebuilt, fitOptions(rs.slice(0, k), c))
          expect(a.fitted.toJSON()).toEqual(b.fitted.toJSON())
          expectSameFrame(a.output, b.output, 'fitTransform output')
          a.fitted.transform(full)
          expect(frameSnapshot(full)).toEqual(before)
        },
      )
    }

    const columnsByName = 'matches inputs by name'
    if (!skipped('columnsByName', columnsByName)) {
      test.prop([conformanceRows], { numRuns: 10 })(columnsByName, (rs) => {
        const frame = conformanceFrame(rs)
        const fitted = c.make().fit(frame.select(c.columns), fitOptions(rs, c))
        const shuffled = frame.select([...frame.columnNames].reverse())
        expectSameFrame(
          fitted.transform(shuffled),
          fitted.transform(frame.select(c.columns)),
          'reordered + extra',
        )
        try {
          fitted.transform(frame.drop([c.columns[0]!]))
          expect.unreachable()
        } catch (e) {
          expect(isKeelError(e) && e.code).toBe('SCHEMA_MISMATCH')
        }
      })
    }
  })
}
