import { KeelError } from '../errors/index.js'
import type { Frame } from '../frame/index.js'
import {
  loadModel,
  loadModelAsync,
  type AsyncLoadOptions,
  type FittedModel,
  type ModelJSON,
  type Task,
} from '../learners/index.js'
import { yieldToEventLoop } from '../learners/shared/load-yield.js'
import { checkInputRows, type InputField, type InputLimits } from './input-schema.js'

/** The current bundle format version written by this build. Readers accept ≤ this. */
export const BUNDLE_FORMAT_VERSION = 1

/** A fitted feature pipeline as a bundle holds it. */
export interface BundlePipeline {
  transform(X: Frame): Frame
  toJSON(): unknown
}

/** A fitted probability calibrator (binary: maps the positive-class probability). */
export interface BundleCalibrator {
  apply(p: Float64Array): Float64Array
  toJSON(): unknown
}

type Loader<T> = (json: unknown) => T
const componentLoaders: {
  pipeline?: Loader<BundlePipeline>
  calibrator?: Loader<BundleCalibrator>
} = {}

/** Register how bundles load their pipeline and calibrator parts (done once by the core entry). */
export const registerBundleComponents = (loaders: {
  pipeline?: Loader<BundlePipeline>
  calibrator?: Loader<BundleCalibrator>
}): void => {
  if (loaders.pipeline) componentLoaders.pipeline = loaders.pipeline
  if (loaders.calibrator) componentLoaders.calibrator = loaders.calibrator
}

/** Where a bundle came from: the lineage recorded with it. */
export interface BundleLineage {
  readonly runId?: string
  readonly datasets?: readonly {
    readonly role: string
    readonly fingerprint: string
    readonly rows: number
  }[]
  readonly split?: unknown
  readonly params?: Readonly<Record<string, unknown>>
  readonly seed?: number
  readonly codeVersion?: string
  readonly parent?: string
  /**
   * The feature service the model was trained on: its name and version, and the version of each
   * of its views. Serving fetches this service (and refuses another version of it).
   */
  readonly featureService?: {
    readonly name: string
    readonly version: string
    readonly views: readonly { readonly name: string; readonly version: string }[]
  }
}

/** The label a bundle predicts. */
export interface BundleLabel {
  readonly column: string
  /** Class names for classification; `classes[1]` is the positive class for binary tasks. */
  readonly classes?: readonly string[]
}

/** Post-processing applied after the model. */
export interface BundlePostprocess {
  /** Binary decision threshold on the (calibrated) positive-class probability. */
  readonly threshold: number
  /** Predictions whose confidence is below this are marked `defer` (human-in-the-loop routing). */
  readonly deferBelow: number | null
}

/** The serialized bundle: plain, versioned JSON. */
export interface BundleJSON {
  readonly format: 'keel-bundle'
  readonly formatVersion: number
  readonly name: string
  readonly createdAt: string
  readonly task: Task
  readonly label: BundleLabel
  readonly inputs: readonly InputField[]
  readonly pipeline: unknown
  readonly model: ModelJSON
  readonly calibrator: unknown
  readonly postprocess: BundlePostprocess
  /** Training reference for monitoring (drift profiles), opaque here. */
  readonly reference: unknown
  readonly lineage: BundleLineage
  /** Evaluation summary, opaque here. */
  readonly evaluation: unknown
}

/** Predictions for a batch, column-wise. */
export interface BundlePredictions {
  readonly n: number
  readonly task: Task
  readonly classes: readonly string[] | undefined
  /** Class label (classification) or value (regression) per row. */
  readonly prediction: readonly (string | number)[]
  /** n × K class probabilities after calibration (classification only). */
  readonly proba: Float64Array | null
  /** Model output before calibration: n × (1 or K). */
  readonly raw: Float64Array
  /** max class probability (classification); NaN for regression. */
  readonly confidence: Float64Array
  /** 1 where the prediction should be deferred to a person. */
  readonly defer: Uint8Array
}

/** One row of {@link BundlePredictions} as plain data (the HTTP and batch shape). */
export interface PredictionRecord {
  readonly prediction: string | number
  readonly probabilities?: Readonly<Record<string, number>>
  readonly confidence?: number
  readonly defer: boolean
}

/** Everything needed to assemble a bundle after training. */
export interface BundleParts {
  readonly name: string
  readonly task: Task
  readonly label: BundleLabel
  readonly inputs: readonly InputField[]
  readonly pipeline?: BundlePipeline | null
  readonly model: FittedModel
  readonly calibrator?: BundleCalibrator | null
  readonly postprocess?: Partial<BundlePostprocess>
  readonly reference?: unknown
  readonly lineage?: BundleLineage
  readonly evaluation?: unknown
  readonly createdAt?: string
}

/** The bundle document, once its header says this build can read it. */
const checkedBundleDocument = (json: unknown): BundleJSON => {
  if (
    typeof json !== 'object' ||
    json === null ||
    (json as { format?: unknown }).format !== 'keel-bundle'
  ) {
    throw new KeelError('UNSUPPORTED_FORMAT', 'not a Keel bundle (format must be "keel-bundle")')
  }
  const doc = json as BundleJSON
  if (typeof doc.formatVersion !== 'number' || doc.formatVersion > BUNDLE_FORMAT_VERSION) {
    throw new KeelError(
      'UNSUPPORTED_FORMAT',
      `bundle format version ${String(doc.formatVersion)} is newer than this Keel reads (${BUNDLE_FORMAT_VERSION})`,
    )
  }
  return doc
}

/** A pipeline or calibrator from its JSON, through the registered loader; null when absent. */
const loadComponent = <T>(what: 'pipeline' | 'calibrator', value: unknown): T | null => {
  if (value === null || value === undefined) return null
  const loader = componentLoaders[what]
  if (!loader) throw new KeelError('UNSUPPORTED_FORMAT', `this build cannot load a bundle ${what}`)
  return loader(value) as T
}

/** The parts of a bundle document kept as they are written. */
const plainParts = (doc: BundleJSON) => ({
  name: doc.name,
  task: doc.task,
  label: doc.label,
  inputs: doc.inputs,
  postprocess: doc.postprocess,
  reference: doc.reference,
  lineage: doc.lineage,
  evaluation: doc.evaluation,
  createdAt: doc.createdAt,
})

/**
 * The unit that moves through registry → serving → monitoring: input schema + fitted feature
 * pipeline + fitted model + post-processing + lineage + evaluation summary. The same bundle gives
 * bit-identical predictions from the library, the CLI, batch jobs and HTTP, because all of them call
 * {@link ModelBundle.predictRows} / {@link ModelBundle.predict} — there is no second code path.
 */
export class ModelBundle {
  readonly name: string
  readonly task: Task
  readonly label: BundleLabel
  readonly inputs: readonly InputField[]
  readonly pipeline: BundlePipeline | null
  readonly model: FittedModel
  readonly calibrator: BundleCalibrator | null
  readonly postprocess: BundlePostprocess
  readonly reference: unknown
  readonly lineage: BundleLineage
  readonly evaluation: unknown
  readonly createdAt: string

  private constructor(parts: BundleParts) {
    this.name = parts.name
    this.task = parts.task
    this.label = parts.label
    this.inputs = parts.inputs
    this.pipeline = parts.pipeline ?? null
    this.model = parts.model
    this.calibrator = parts.calibrator ?? null
    this.postprocess = {
      threshold: parts.postprocess?.threshold ?? 0.5,
      deferBelow: parts.postprocess?.deferBelow ?? null,
    }
    this.reference = parts.reference ?? null
    this.lineage = parts.lineage ?? {}
    this.evaluation = parts.evaluation ?? null
    this.createdAt = parts.createdAt ?? new Date(0).toISOString()
    Object.freeze(this)
  }

  /** Assemble a bundle from fitted parts. */
  static create(parts: BundleParts): ModelBundle {
    if (parts.task !== 'regression' && (!parts.label.classes || parts.label.classes.length < 2)) {
      throw new KeelError(
        'INVALID_ARGUMENT',
        'a classification bundle needs at least two class names',
      )
    }
    const t = parts.postprocess?.threshold
    if (t !== undefined && !(t >= 0 && t <= 1)) {
      throw new KeelError('INVALID_ARGUMENT', `threshold must be in [0, 1], got ${t}`)
    }
    return new ModelBundle(parts)
  }

  /** Load a bundle from its JSON; foreign or newer documents are `UNSUPPORTED_FORMAT`. */
  static fromJSON(json: unknown): ModelBundle {
    const doc = checkedBundleDocument(json)
    return new ModelBundle({
      ...plainParts(doc),
      pipeline: loadComponent<BundlePipeline>('pipeline', doc.pipeline),
      model: loadModel(doc.model),
      calibrator: loadComponent<BundleCalibrator>('calibrator', doc.calibrator),
    })
  }

  /**
   * {@link fromJSON} for a server's load path: the same bundle (and the same errors) without holding
   * the thread for long. It gives the thread back to the event loop between the pipeline, the model
   * and the calibrator, and every few thousand tree nodes inside a tree ensemble, so other requests
   * are answered while a large model loads. `signal` stops it at its next yield with `CANCELLED`.
   */
  static async fromJSONAsync(json: unknown, options: AsyncLoadOptions = {}): Promise<ModelBundle> {
    const doc = checkedBundleDocument(json)
    const pipeline = loadComponent<BundlePipeline>('pipeline', doc.pipeline)
    await yieldToEventLoop(options.signal)
    const model = await loadModelAsync(doc.model, options)
    await yieldToEventLoop(options.signal)
    const calibrator = loadComponent<BundleCalibrator>('calibrator', doc.calibrator)
    return new ModelBundle({ ...plainParts(doc), pipeline, model, calibrator })
  }

  /** Plain JSON for the artifact store. */
  toJSON(): BundleJSON {
    return {
      format: 'keel-bundle',
      formatVersion: BUNDLE_FORMAT_VERSION,
      name: this.name,
      createdAt: this.createdAt,
      task: this.task,
      label: this.label,
      inputs: this.inputs,
      pipeline: this.pipeline?.toJSON() ?? null,
      model: this.model.toJSON(),
      calibrator: this.calibrator?.toJSON() ?? null,
      postprocess: this.postprocess,
      reference: this.reference,
      lineage: this.lineage,
      evaluation: this.evaluation,
    }
  }

  /** The model's input frame for raw inputs (the fitted pipeline applied). */
  features(X: Frame): Frame {
    return this.pipeline ? this.pipeline.transform(X) : X
  }

  /** Predict for a Frame of raw inputs. */
  predict(X: Frame): BundlePredictions {
    const F = this.features(X)
    const n = F.numRows
    const raw = this.model.predictRaw(F)
    const confidence = new Float64Array(n)
    const defer = new Uint8Array(n)
    const deferBelow = this.postprocess.deferBelow
    if (this.task === 'regression') {
      const values = this.model.predict(F)
      confidence.fill(NaN)
      return {
        n,
        task: this.task,
        classes: undefined,
        prediction: Array.from(values),
        proba: null,
        raw,
        confidence,
        defer,
      }
    }
    const classes = this.label.classes!
    const k = classes.length
    // Models that can turn their raw scores into probabilities are not asked to predict twice.
    let proba = this.model.probaFromRaw ? this.model.probaFromRaw(raw) : this.model.predictProba(F)
    if (this.calibrator && this.task === 'binary') {
      const pos = new Float64Array(n)
      for (let i = 0; i < n; i++) pos[i] = proba[2 * i + 1]!
      const cal = this.calibrator.apply(pos)
      proba = new Float64Array(2 * n)
      for (let i = 0; i < n; i++) {
        proba[2 * i] = 1 - cal[i]!
        proba[2 * i + 1] = cal[i]!
      }
    }
    const prediction: string[] = new Array<string>(n)
    for (let i = 0; i < n; i++) {
      let best = 0
      if (this.task === 'binary') best = proba[2 * i + 1]! >= this.postprocess.threshold ? 1 : 0
      else for (let j = 1; j < k; j++) if (proba[i * k + j]! > proba[i * k + best]!) best = j
      let conf = 0
      for (let j = 0; j < k; j++) conf = Math.max(conf, proba[i * k + j]!)
      confidence[i] = conf
      if (deferBelow !== null && conf < deferBelow) defer[i] = 1
      prediction[i] = classes[best]!
    }
    return { n, task: this.task, classes, prediction, proba, raw, confidence, defer }
  }

  /**
   * Check JSON rows against the pinned inputs and predict. Bad rows give `VALIDATION_FAILED` with one
   * issue per problem; nothing is predicted for a partly bad batch.
   */
  predictRows(
    rows: unknown,
    limits?: InputLimits,
  ): {
    predictions: BundlePredictions
    warnings: readonly { code: string; path: readonly (string | number)[]; message: string }[]
  } {
    const check = checkInputRows(rows, this.inputs, limits)
    if (!check.ok) {
      throw new KeelError(
        'VALIDATION_FAILED',
        `${check.issues.length} input problem(s): ${check.issues[0]!.message}`,
        {
          issues: check.issues,
        },
      )
    }
    return { predictions: this.predict(check.frame), warnings: check.warnings }
  }
}

/** Row `i` of a prediction batch as plain data. */
export const predictionRecord = (p: BundlePredictions, i: number): PredictionRecord => {
  if (p.task === 'regression') return { prediction: p.prediction[i]!, defer: p.defer[i] === 1 }
  const classes = p.classes!
  const probabilities: Record<string, number> = {}
  for (let j = 0; j < classes.length; j++)
    probabilities[classes[j]!] = p.proba![i * classes.length + j]!
  return {
    prediction: p.prediction[i]!,
    probabilities,
    confidence: p.confidence[i]!,
    defer: p.defer[i] === 1,
  }
}
