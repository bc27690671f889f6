import { z } from 'zod'
import { KeelError } from '../../errors/index.js'
import { cellAt, type Cell, type Frame } from '../../frame/index.js'
import { alignFeatures, pinFeatures } from '../features.js'
import { parseParams, type LearnerDefinition } from '../registry.js'
import type {
  FeatureSpec,
  FitOptions,
  FittedModel,
  Learner,
  LearnerCapabilities,
  ModelJSON,
  Task,
  TrainingSet,
} from '../protocol.js'
import { checkTrainingSet } from '../shared/training-set.js'
import {
  assertModelShape,
  modelDocumentHeader,
  modelHeaderSchema,
  parseModelDocument,
} from '../shared/model-document.js'
import { rawFromProba } from '../shared/link.js'
import { noProbabilities } from '../shared/no-probabilities.js'

/** The fitted-model kind of {@link HeuristicLearner}. */
export const HEURISTIC_MODEL_KIND = 'heuristic'

/**
 * A hand-written rule, e.g. `(row) => (row.hour as number) >= 17` ("late if it departs after
 * 17:00"). It receives the pinned feature values of one row (`null` when missing) and returns:
 * - regression: a finite number;
 * - binary: a class label, a boolean (true = the second class, the positive one), or a number in
 *   [0, 1] read as the probability of the positive class (so 0 and 1 are also class indices);
 * - multiclass: a class label or a class index.
 */
export type Heuristic = (row: Readonly<Record<string, Cell>>) => number | string | boolean

interface Registered {
  readonly fn: Heuristic
  readonly version: string
}

const heuristics = new Map<string, Registered>()

const NAME = /^[A-Za-z0-9_.:@/-]{1,200}$/
const VERSION = /^[\x20-\x7e]{1,100}$/

/**
 * Register a heuristic under a name. A model JSON cannot hold code (artifacts are data and are
 * never `eval`ed), so a heuristic model stores only the name and version: to load it, a process
 * registers the same function under the same name first (typically where the project config is
 * evaluated). Bump `version` when the rule changes, so a model fitted with the old rule refuses to
 * load instead of silently predicting with the new one.
 *
 * @example
 * registerHeuristic('late-after-17', (row) => (row.hour as number) >= 17)
 * const model = heuristicLearner({ name: 'late-after-17' }).fit(train, { rng })
 */
export const registerHeuristic = (
  name: string,
  fn: Heuristic,
  options: { readonly version?: string } = {},
): void => {
  if (!NAME.test(name)) {
    throw new KeelError(
      'INVALID_ARGUMENT',
      `heuristic name "${name}" must be 1–200 characters of letters, digits and _ . : @ / -`,
    )
  }
  const version = options.version ?? '1'
  if (!VERSION.test(version)) {
    throw new KeelError('INVALID_ARGUMENT', `heuristic version must be 1–100 printable characters`)
  }
  heuristics.set(name, { fn, version })
}

/** Names of the registered heuristics. */
export const heuristicNames = (): string[] => [...heuristics.keys()].sort()

const lookup = (name: string, version?: string): Registered => {
  const h = heuristics.get(name)
  if (!h) {
    throw new KeelError(
      'MISSING_DEPENDENCY',
      `heuristic "${name}" is not registered in this process`,
      {
        path: ['heuristic'],
        details: { registered: heuristicNames() },
        hint: `call registerHeuristic('${name}', fn) before fitting or loading the model`,
      },
    )
  }
  if (version !== undefined && h.version !== version) {
    throw new KeelError(
      'CONFLICT',
      `heuristic "${name}" is registered at version ${h.version}, the model was fitted with version ${version}`,
      { path: ['version'] },
    )
  }
  return h
}

/** Hyperparameters of {@link HeuristicLearner}. */
export const heuristicParams = z.strictObject({
  name: z
    .string()
    .regex(NAME)
    .describe('Name under which the rule was passed to registerHeuristic().'),
})

/** Parsed hyperparameters of {@link HeuristicLearner}. */
export type HeuristicParams = z.output<typeof heuristicParams>

const CAPABILITIES: LearnerCapabilities = Object.freeze({
  tasks: Object.freeze(['binary', 'multiclass', 'regression'] as const),
  categorical: true,
  missing: true,
  weights: true,
  incremental: false,
})

/** A heuristic as a fitted model: the rule, the pinned features and the class names. */
export class HeuristicModel implements FittedModel {
  readonly kind = HEURISTIC_MODEL_KIND
  readonly task: Task
  readonly features: readonly FeatureSpec[]
  readonly classes: readonly string[] | undefined
  readonly name: string
  readonly version: string
  readonly #fn: Heuristic
  readonly #classIndex: Map<string, number>

  constructor(
    task: Task,
    features: readonly FeatureSpec[],
    classes: readonly string[] | undefined,
    name: string,
  ) {
    const h = lookup(name)
    this.task = task
    this.features = Object.freeze([...features])
    this.classes = classes ? Object.freeze([...classes]) : undefined
    this.name = name
    this.version = h.version
    this.#fn = h.fn
    this.#classIndex = new Map((classes ?? []).map((c, i) => [c, i]))
  }

  /** The rule's outputs as probabilities (n × K) or values (n), checked row by row. */
  #evaluate(X: Frame): Float64Array {
    alignFeatures(X, this.features)
    const cols = this.features.map((f) => X.column(f.name))
    const n = X.numRows
    const k = this.classes?.length ?? 1
    const out = new Float64Array(this.task === 'regression' ? n : n * k)
    const row: Record<string, Cell> = {}
    for (let i = 0; i < n; i++) {
      for (let j = 0; j < cols.length; j++) row[this.features[j]!.name] = cellAt(cols[j]!, i)
      const v = this.#fn({ ...row })
      if (this.task === 'regression') {
        if (typeof v !== 'number' || !Number.isFinite(v)) throw this.#bad(i, v, 'a finite number')
        out[i] = v
        continue
      }
      if (this.task === 'binary' && typeof v === 'number' && v >= 0 && v <= 1) {
        out[i * 2] = 1 - v
        out[i * 2 + 1] = v
        continue
      }
      const c =
        typeof v === 'string'
          ? this.#classIndex.get(v)
          : typeof v === 'boolean' && this.task === 'binary'
            ? Number(v)
            : typeof v === 'number' && Number.isInteger(v) && v >= 0 && v < k
              ? v
              : undefined
      if (c === undefined) throw this.#bad(i, v, `a class label (${this.classes!.join(', ')})`)
      out[i * k + c] = 1
    }
    return out
  }

  #bad(row: number, v: unknown, expected: string): KeelError {
    return new KeelError(
      'INVALID_DATA',
      `heuristic "${this.name}" returned ${JSON.stringify(v)} for row ${row}; expected ${expected}`,
      { path: [row], details: { value: v } },
    )
  }

  predictRaw(X: Frame): Float64Array {
    const v = this.#evaluate(X)
    return this.task === 'regression' ? v : rawFromProba(v, this.task)
  }

  predictProba(X: Frame): Float64Array {
    if (this.task === 'regression') throw noProbabilities()
    return this.#evaluate(X)
  }

  predict(X: Frame): Float64Array {
    const v = this.#evaluate(X)
    if (this.task === 'regression') return v
    const k = this.classes!.length
    const n = X.numRows
    // The rule's own answer: the class it put mass on (binary scores threshold at 0.5).
    return Float64Array.from({ length: n }, (_, i) => {
      let best = 0
      for (let c = 1; c < k; c++) if (v[i * k + c]! > v[i * k + best]!) best = c
      return best
    })
  }

  toJSON(): ModelJSON {
    return {
      ...modelDocumentHeader(this),
      heuristic: this.name,
      version: this.version,
    }
  }
}

/**
 * A user's rule as a learner, so the heuristic baseline goes through the same evaluation, registry
 * and serving path as trained models. `fit` learns nothing: it pins the features and classes and
 * runs the rule over the training rows once, so a rule that returns garbage fails at fit time.
 */
export class HeuristicLearner implements Learner<HeuristicModel, HeuristicParams> {
  readonly kind = 'heuristic'
  readonly params: Readonly<HeuristicParams>
  readonly capabilities = CAPABILITIES

  constructor(params: HeuristicParams) {
    this.params = Object.freeze({ ...params })
  }

  fit(data: TrainingSet, _options: FitOptions): HeuristicModel {
    const c = checkTrainingSet(data, { learner: this.kind, capabilities: CAPABILITIES })
    const model = new HeuristicModel(data.task, pinFeatures(data.X), c.classes, this.params.name)
    model.predict(data.X)
    return model
  }
}

const heuristicModelSchema = modelHeaderSchema.extend({
  heuristic: z.string().regex(NAME),
  version: z.string().regex(VERSION),
})

/**
 * Load a {@link HeuristicModel}: the rule itself comes from {@link registerHeuristic}
 * (`MISSING_DEPENDENCY` when it is not registered, `CONFLICT` when the version differs).
 */
export const loadHeuristicModel = (json: unknown): HeuristicModel => {
  const doc = parseModelDocument(HEURISTIC_MODEL_KIND, heuristicModelSchema, json)
  assertModelShape(
    doc.task === 'regression' || (doc.classes?.length ?? 0) >= 2,
    HEURISTIC_MODEL_KIND,
    'classification models need classes',
  )
  lookup(doc.heuristic, doc.version)
  return new HeuristicModel(doc.task, doc.features, doc.classes, doc.heuristic)
}

/** A {@link HeuristicLearner} from loose hyperparameters (`{ name }`). */
export const heuristicLearner = (params: unknown): HeuristicLearner =>
  new HeuristicLearner(parseParams('heuristic', heuristicParams, params))

/** Registry entry for `heuristic`. */
export const heuristicDefinition: LearnerDefinition<typeof heuristicParams> = {
  kind: 'heuristic',
  description: 'Baseline: a rule written as a TypeScript function, registered by name.',
  params: heuristicParams,
  create: (params) => new HeuristicLearner(params),
}
