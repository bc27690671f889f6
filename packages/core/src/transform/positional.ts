/**
 * Fixed sinusoidal positional embeddings (Vaswani et al. 2017; the book's §4.6) for an integer
 * position column: dimension 2k is `sin(p / base^(2k/d))`, dimension 2k + 1 is
 * `cos(p / base^(2k/d))`. Unlike raw positions 0…511 (not unit scale) or positions rescaled to
 * [0, 1] (neighbours too close to tell apart), every dimension is bounded in [−1, 1] and nearby
 * positions differ in the fast-turning dimensions. Nothing is learned, so the fit is stateless and
 * a position never seen in training still gets a well-defined embedding.
 */
import { z } from 'zod'
import { KeelError } from '../errors/index.js'
import type { NumericColumn } from '../frame/index.js'
import { defineLeaf } from './define.js'
import { checkNumeric, missingPolicy } from './internal/numeric-map.js'

const positionalParams = z.strictObject({
  /** Embedding size d (the model dimension the embedding is summed with). */
  dim: z.int().min(1).max(1024).default(16),
  /** The wavelength base; 10,000 in the original paper. */
  base: z.number().gt(1).default(10_000),
  missing: missingPolicy,
})

/** Parameters of {@link positionalEmbedding}. */
export type PositionalEmbeddingParams = z.input<typeof positionalParams>

/** Divisors `base^(2k/d)` for dimensions 0..d−1 (each sin/cos pair shares one). */
const divisors = (dim: number, base: number): Float64Array =>
  Float64Array.from({ length: dim }, (_, i) => Math.pow(base, (2 * Math.floor(i / 2)) / dim))

/** Sinusoidal embeddings `<name>__pe_<i>` of integer positions. Non-integer positions are refused. */
export const positionalEmbeddingKind = defineLeaf({
  kind: 'positional-embedding',
  description: 'Fixed sinusoidal (Vaswani) embeddings of an integer position column',
  params: positionalParams,
  state: z.strictObject({}),
  accepts: ['numeric'],
  fit: ({ params, inputs }) => ({
    state: {},
    outputs: inputs.flatMap((c) =>
      Array.from({ length: params.dim }, (_, i) => ({
        name: `${c.name}__pe_${i}`,
        kind: 'numeric' as const,
      })),
    ),
  }),
  prepare: (_state, params) => divisors(params.dim, params.base),
  apply({ kind, params, cache, inputs, columns, numRows }) {
    const out: NumericColumn[] = []
    columns.forEach((c, j) => {
      const name = inputs[j]!.name
      const values = (c as NumericColumn).values
      checkNumeric(kind, name, values, params.missing)
      const cols = Array.from({ length: params.dim }, () => new Float64Array(numRows))
      for (let i = 0; i < numRows; i++) {
        const p = values[i]!
        if (Number.isNaN(p)) {
          for (const col of cols) col[i] = NaN
          continue
        }
        if (!Number.isInteger(p)) {
          throw new KeelError(
            'INVALID_DATA',
            `${kind}: column "${name}" row ${i} = ${p} is not an integer position`,
            {
              path: [name, i],
            },
          )
        }
        for (let d = 0; d < params.dim; d++) {
          const angle = p / cache[d]!
          cols[d]![i] = d % 2 === 0 ? Math.sin(angle) : Math.cos(angle)
        }
      }
      for (const v of cols) out.push(Object.freeze({ kind: 'numeric', values: v }))
    })
    return out
  },
})

/** An unfitted positional-embedding step. */
export const positionalEmbedding = (
  params?: PositionalEmbeddingParams,
): ReturnType<typeof positionalEmbeddingKind.create> => positionalEmbeddingKind.create(params)
