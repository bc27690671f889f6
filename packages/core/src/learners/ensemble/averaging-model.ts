import { modelDocumentHeader } from '../shared/model-document.js'
import type { Frame } from '../../frame/index.js'
import { alignFeatures } from '../features.js'
import type { FeatureSpec, FittedModel, ModelJSON, Task } from '../protocol.js'
import { argmaxRows, rawFromProba } from '../shared/link.js'
import { noProbabilities } from '../shared/no-probabilities.js'
import { memberOutputs, membersToJSON, weightedAverage } from './members.js'

/** The parts of a model that combines its members by (weighted) averaging or voting. */
export interface AveragingParts {
  readonly kind: string
  readonly task: Task
  readonly features: readonly FeatureSpec[]
  readonly classes: readonly string[] | undefined
  readonly members: readonly FittedModel[]
  readonly weights: readonly number[]
  /** `soft`: average probabilities; `hard`: weighted share of votes for each predicted class. */
  readonly voting: 'soft' | 'hard'
  /** Extra JSON fields of the concrete kind (params, out-of-bag score, …). */
  readonly extra: Readonly<Record<string, unknown>>
}

/**
 * A fitted ensemble that averages its members: probabilities (soft voting) or votes (hard voting)
 * for classification, predictions for regression. Members are full fitted models, serialized as
 * their own JSON inside the ensemble's and loaded back through the model registry.
 */
export class AveragingModel implements FittedModel {
  readonly kind: string
  readonly task: Task
  readonly features: readonly FeatureSpec[]
  readonly classes: readonly string[] | undefined
  readonly members: readonly FittedModel[]
  readonly weights: readonly number[]
  readonly voting: 'soft' | 'hard'
  readonly #extra: Readonly<Record<string, unknown>>

  constructor(p: AveragingParts) {
    this.kind = p.kind
    this.task = p.task
    this.features = Object.freeze([...p.features])
    this.classes = p.classes ? Object.freeze([...p.classes]) : undefined
    this.members = Object.freeze([...p.members])
    this.weights = Object.freeze([...p.weights])
    this.voting = p.voting
    this.#extra = p.extra
  }

  /** The ensemble's own JSON fields beyond the members (e.g. `oob`). */
  get extra(): Readonly<Record<string, unknown>> {
    return this.#extra
  }

  #combined(X: Frame): Float64Array {
    alignFeatures(X, this.features)
    if (this.task !== 'regression' && this.voting === 'hard') {
      const k = this.classes!.length
      const votes = this.members.map((m) => {
        const pred = m.predict(X)
        const oneHot = new Float64Array(pred.length * k)
        pred.forEach((c, i) => (oneHot[i * k + c] = 1))
        return oneHot
      })
      return weightedAverage(votes, this.weights)
    }
    return weightedAverage(
      this.members.map((m) => memberOutputs(m, X)),
      this.weights,
    )
  }

  predictRaw(X: Frame): Float64Array {
    const v = this.#combined(X)
    return this.task === 'regression' ? v : rawFromProba(v, this.task)
  }

  predictProba(X: Frame): Float64Array {
    if (this.task === 'regression') throw noProbabilities()
    return this.#combined(X)
  }

  predict(X: Frame): Float64Array {
    const v = this.#combined(X)
    return this.task === 'regression' ? v : argmaxRows(v, this.classes!.length)
  }

  toJSON(): ModelJSON {
    return {
      ...modelDocumentHeader(this),
      ...this.#extra,
      voting: this.voting,
      weights: [...this.weights],
      members: membersToJSON(this.members),
    }
  }
}
