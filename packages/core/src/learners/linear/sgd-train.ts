import type { Rng } from '../../random/index.js'
import { permutation } from '../../random/index.js'
import { throwIfAborted } from '../shared/abort.js'
import { sigmoid } from '../shared/link.js'

/** Optimizer settings of the mini-batch linear learner. */
export interface SgdSettings {
  readonly optimizer: 'adam' | 'sgd'
  readonly learningRate: number
  readonly alpha: number
  readonly batchSize: number
  readonly epochs: number
  readonly shuffle: boolean
  readonly momentum: number
  readonly beta1: number
  readonly beta2: number
  readonly epsilon: number
}

/**
 * Everything that must survive a save/load for training to continue exactly where it stopped:
 * weights on standardized features, the optimizer's moment estimates and its step count.
 */
export interface SgdState {
  /** `K × d`, row-major by output, on standardized features. */
  readonly coef: Float64Array
  readonly intercept: Float64Array
  /** First moment (Adam) or velocity (SGD with momentum), `K·d + K` long. */
  readonly m: Float64Array
  /** Second moment (Adam), `K·d + K` long. */
  readonly v: Float64Array
  /** Number of optimizer steps taken so far. */
  readonly t: number
}

/** The pinned feature scaling: z = (x − mean) / scale. */
export interface SgdScaler {
  readonly mean: Float64Array
  readonly scale: Float64Array
}

/** What the loop trains on. `loss` follows the task; `outputs` is 1 unless multinomial. */
export interface SgdBatchData {
  readonly cols: readonly Float64Array[]
  readonly y: Float64Array
  readonly weight: Float64Array
  readonly loss: 'logistic' | 'multinomial' | 'squared'
  readonly outputs: number
}

/** Copy a state so training never mutates a fitted model. */
export const cloneState = (s: SgdState): SgdState => ({
  coef: Float64Array.from(s.coef),
  intercept: Float64Array.from(s.intercept),
  m: Float64Array.from(s.m),
  v: Float64Array.from(s.v),
  t: s.t,
})

/**
 * Run `settings.epochs` passes of mini-batch SGD / Adam over the data and return the new state
 * (the input state is not touched). Mini-batch gradients are weight-averaged (Σ wᵢ∇ℓᵢ / Σ wᵢ) plus
 * alpha·coef; the intercept is not penalized. Batch order comes from `rng` only.
 */
export const trainSgd = (
  start: SgdState,
  scaler: SgdScaler,
  data: SgdBatchData,
  settings: SgdSettings,
  rng: Rng,
  signal?: AbortSignal,
): SgdState => {
  const s = cloneState(start)
  let t = s.t
  const { cols, y, weight, outputs: K } = data
  const d = cols.length
  const n = y.length
  const P = K * d + K
  const grad = new Float64Array(P)
  const z = new Float64Array(d)
  const margin = new Float64Array(K)
  for (let epoch = 0; epoch < settings.epochs; epoch++) {
    throwIfAborted(signal)
    const order = settings.shuffle
      ? permutation(rng, n)
      : Int32Array.from({ length: n }, (_, i) => i)
    for (let start = 0; start < n; start += settings.batchSize) {
      const end = Math.min(n, start + settings.batchSize)
      grad.fill(0)
      let wsum = 0
      for (let r = start; r < end; r++) {
        const i = order[r]!
        const wi = weight[i]!
        if (wi === 0) continue
        wsum += wi
        for (let j = 0; j < d; j++) z[j] = (cols[j]![i]! - scaler.mean[j]!) / scaler.scale[j]!
        for (let k = 0; k < K; k++) {
          let mk = s.intercept[k]!
          for (let j = 0; j < d; j++) mk += s.coef[k * d + j]! * z[j]!
          margin[k] = mk
        }
        residuals(data.loss, margin, y[i]!, K)
        for (let k = 0; k < K; k++) {
          const r = wi * margin[k]!
          for (let j = 0; j < d; j++) grad[k * d + j] = grad[k * d + j]! + r * z[j]!
          grad[K * d + k] = grad[K * d + k]! + r
        }
      }
      if (wsum === 0) continue
      for (let p = 0; p < P; p++) grad[p] = grad[p]! / wsum
      for (let p = 0; p < K * d; p++) grad[p] = grad[p]! + settings.alpha * s.coef[p]!
      t++
      step(s, grad, settings, t, K * d)
    }
  }
  return { ...s, t }
}

/** Overwrite `margin` with dℓ/dmargin for one row. */
const residuals = (
  loss: SgdBatchData['loss'],
  margin: Float64Array,
  yi: number,
  K: number,
): void => {
  if (loss === 'squared') {
    margin[0] = margin[0]! - yi
  } else if (loss === 'logistic') {
    margin[0] = sigmoid(margin[0]!) - yi
  } else {
    let max = -Infinity
    for (let k = 0; k < K; k++) max = Math.max(max, margin[k]!)
    let sum = 0
    for (let k = 0; k < K; k++) sum += Math.exp(margin[k]! - max)
    for (let k = 0; k < K; k++) {
      margin[k] = Math.exp(margin[k]! - max) / sum - (k === yi ? 1 : 0)
    }
  }
}

/** One optimizer step on the parameter vector [coef…, intercept…]. */
const step = (s: SgdState, grad: Float64Array, o: SgdSettings, t: number, nCoef: number): void => {
  const P = grad.length
  const lr = o.learningRate
  const c1 = 1 - o.beta1 ** t
  const c2 = 1 - o.beta2 ** t
  for (let p = 0; p < P; p++) {
    const g = grad[p]!
    let delta: number
    if (o.optimizer === 'adam') {
      s.m[p] = o.beta1 * s.m[p]! + (1 - o.beta1) * g
      s.v[p] = o.beta2 * s.v[p]! + (1 - o.beta2) * g * g
      delta = (lr * (s.m[p]! / c1)) / (Math.sqrt(s.v[p]! / c2) + o.epsilon)
    } else {
      s.m[p] = o.momentum * s.m[p]! + g
      delta = lr * s.m[p]!
    }
    if (p < nCoef) s.coef[p] = s.coef[p]! - delta
    else s.intercept[p - nCoef] = s.intercept[p - nCoef]! - delta
  }
}
