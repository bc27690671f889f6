import { z } from 'zod'
import type { Frame } from '../../frame/index.js'
import type { FeatureSpec, FittedModel, ModelJSON, Task } from '../protocol.js'
import {
  assertModelShape,
  modelDocumentHeader,
  modelHeaderSchema,
  parseModelDocument,
} from '../shared/model-document.js'
import { numericFeatureColumns } from '../shared/numeric-features.js'
import { argmaxRows, probaFromRaw } from '../shared/link.js'
import { noProbabilities } from '../shared/no-probabilities.js'

/** The fitted-model kind of every batch linear learner (logistic, linear, ridge, lasso, elastic net). */
export const LINEAR_MODEL_KIND = 'linear'

/** How the linear score becomes a prediction. */
export type LinearLink = 'identity' | 'logistic' | 'softmax'

/** Where a fit came from and how its optimizer ended: kept in the model JSON for lineage. */
export interface LinearFitSummary {
  readonly learner: string
  readonly params: Readonly<Record<string, unknown>>
  readonly iterations: number
  readonly converged: boolean
  /** Largest |gradient| of the (standardized) objective at the solution. */
  readonly gradientNorm: number
}

const fitSummarySchema = z.object({
  learner: z.string(),
  params: z.record(z.string(), z.unknown()),
  iterations: z.number().int().min(0),
  converged: z.boolean(),
  gradientNorm: z.number().min(0),
})

/** Rows × outputs scores of a linear model: `intercept[k] + Σⱼ coef[k][j]·xⱼ`. */
export const linearScores = (
  cols: readonly Float64Array[],
  coef: readonly Float64Array[],
  intercept: Float64Array,
  n: number,
): Float64Array => {
  const K = coef.length
  const out = new Float64Array(n * K)
  for (let k = 0; k < K; k++) {
    const row = coef[k]!
    const b = intercept[k]!
    for (let i = 0; i < n; i++) out[i * K + k] = b
    for (let j = 0; j < row.length; j++) {
      const w = row[j]!
      if (w === 0) continue
      const c = cols[j]!
      for (let i = 0; i < n; i++) out[i * K + k] = out[i * K + k]! + w * c[i]!
    }
  }
  return out
}

/** The parts every linear fitted model is made of. */
export interface LinearModelParts {
  readonly task: Task
  readonly features: readonly FeatureSpec[]
  readonly classes: readonly string[] | undefined
  readonly coef: readonly Float64Array[]
  readonly intercept: Float64Array
  readonly fit: LinearFitSummary
}

/**
 * A fitted linear model: logistic (binary), softmax (multiclass) or identity (regression) link on
 * `intercept + coef·x`. Coefficients are in the units of the original features. Features must be
 * numeric and finite at prediction time too (`INVALID_DATA` naming the column otherwise).
 */
export class LinearModel implements FittedModel {
  readonly kind = LINEAR_MODEL_KIND
  readonly task: Task
  readonly features: readonly FeatureSpec[]
  readonly classes: readonly string[] | undefined
  /** `coef[k][j]`: output k (one row for binary and regression), feature j. */
  readonly coef: readonly Float64Array[]
  readonly intercept: Float64Array
  readonly fit: LinearFitSummary

  constructor(parts: LinearModelParts) {
    this.task = parts.task
    this.features = Object.freeze([...parts.features])
    this.classes = parts.classes ? Object.freeze([...parts.classes]) : undefined
    this.coef = Object.freeze(parts.coef.map((r) => Float64Array.from(r)))
    this.intercept = Float64Array.from(parts.intercept)
    this.fit = parts.fit
  }

  get link(): LinearLink {
    return this.task === 'regression' ? 'identity' : this.task === 'binary' ? 'logistic' : 'softmax'
  }

  /** Coefficients by feature name for one output (class index for multiclass; else 0). */
  coefficients(output = 0): Record<string, number> {
    const row = this.coef[output]
    if (!row) return {}
    return Object.fromEntries(this.features.map((f, j) => [f.name, row[j]!]))
  }

  predictRaw(X: Frame): Float64Array {
    const cols = numericFeatureColumns(X, this.features, 'linear model')
    return linearScores(cols, this.coef, this.intercept, X.numRows)
  }

  /** Class probabilities (n × K); a regression model has none (`INVALID_ARGUMENT`). */
  predictProba(X: Frame): Float64Array {
    if (this.task === 'regression') throw noProbabilities()
    return this.probaFromRaw(this.predictRaw(X))
  }

  /** Class probabilities from raw scores of this model (see `FittedModel.probaFromRaw`). */
  probaFromRaw(raw: Float64Array): Float64Array {
    if (this.task === 'regression') throw noProbabilities()
    return probaFromRaw(raw, this.task, this.classes?.length ?? 2)
  }

  predict(X: Frame): Float64Array {
    const raw = this.predictRaw(X)
    if (this.task === 'regression') return raw
    if (this.task === 'binary') return raw.map((m) => (m > 0 ? 1 : 0))
    return argmaxRows(raw, this.coef.length)
  }

  toJSON(): ModelJSON {
    return {
      ...modelDocumentHeader(this),
      link: this.link,
      coef: this.coef.map((r) => Array.from(r)),
      intercept: Array.from(this.intercept),
      fit: this.fit,
    }
  }
}

const linearModelSchema = modelHeaderSchema.extend({
  link: z.enum(['identity', 'logistic', 'softmax']),
  coef: z.array(z.array(z.number())),
  intercept: z.array(z.number()),
  fit: fitSummarySchema,
})

/** Load a {@link LinearModel} from its JSON (`UNSUPPORTED_FORMAT` when malformed). */
export const loadLinearModel = (json: unknown): LinearModel => {
  const doc = parseModelDocument(LINEAR_MODEL_KIND, linearModelSchema, json)
  const K = doc.task === 'multiclass' ? (doc.classes?.length ?? 0) : 1
  const expectedLink =
    doc.task === 'regression' ? 'identity' : doc.task === 'binary' ? 'logistic' : 'softmax'
  assertModelShape(doc.link === expectedLink, LINEAR_MODEL_KIND, `link must be ${expectedLink}`)
  assertModelShape(
    doc.task === 'regression' || doc.classes !== undefined,
    LINEAR_MODEL_KIND,
    'classification models need classes',
  )
  assertModelShape(
    doc.coef.length === K && doc.intercept.length === K && K > 0,
    LINEAR_MODEL_KIND,
    `expected ${K} coefficient rows and intercepts`,
  )
  assertModelShape(
    doc.coef.every((r) => r.length === doc.features.length),
    LINEAR_MODEL_KIND,
    'each coefficient row needs one value per feature',
  )
  assertModelShape(
    doc.features.every((f) => f.kind === 'numeric'),
    LINEAR_MODEL_KIND,
    'linear models have numeric features only',
  )
  return new LinearModel({
    task: doc.task,
    features: doc.features,
    classes: doc.classes,
    coef: doc.coef.map((r) => Float64Array.from(r)),
    intercept: Float64Array.from(doc.intercept),
    fit: doc.fit,
  })
}
