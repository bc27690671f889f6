/**
 * A pipeline: transformers applied in sequence, itself a transformer (fit / transform / toJSON /
 * load), so a whole feature pipeline is one fitted object inside a model bundle.
 */
import { z } from 'zod'
import { KeelError } from '../errors/index.js'
import type { Frame } from '../frame/index.js'
import { parseParams } from '../learners/index.js'
import { TRANSFORMER_FORMAT_VERSION, parseDocument, type TransformerDefinition } from './define.js'
import type {
  FitTransformResult,
  FittedTransformer,
  Transformer,
  TransformerColumn,
  TransformerFitOptions,
  TransformerJSON,
  TransformerSpec,
} from './protocol.js'

const specSchema = z.strictObject({ kind: z.string().min(1), params: z.unknown().optional() })

const pipelineParams = z.strictObject({
  steps: z
    .array(z.strictObject({ name: z.string().min(1), transformer: specSchema }))
    .min(1)
    .refine((s) => new Set(s.map((x) => x.name)).size === s.length, 'step names must be unique'),
})
type PipelineParams = z.output<typeof pipelineParams>

const pipelineState = z.strictObject({
  steps: z.array(z.strictObject({ name: z.string(), fitted: z.unknown() })),
})

/** A step of a pipeline: a transformer, optionally named. */
export type PipelineStep =
  Transformer | { readonly name: string; readonly transformer: Transformer }

const isTransformer = (x: unknown): x is Transformer =>
  typeof (x as Partial<Transformer>).fit === 'function'

/**
 * Name unnamed steps after their kind (`standard-scaler`, `standard-scaler-2`, …); explicit names
 * are kept as given (duplicates are refused by the parameter schema).
 */
export const nameSteps = <T extends { readonly kind: string }>(
  steps: readonly (T | { readonly name: string; readonly transformer: T })[],
  isBare: (s: T | { readonly name: string; readonly transformer: T }) => s is T,
): { name: string; transformer: T }[] => {
  const used = new Map<string, number>()
  return steps.map((s) => {
    if (!isBare(s)) return { name: s.name, transformer: s.transformer }
    const n = (used.get(s.kind) ?? 0) + 1
    used.set(s.kind, n)
    return { name: n > 1 ? `${s.kind}-${n}` : s.kind, transformer: s }
  })
}

/** A fitted pipeline: its fitted steps, applied in order. */
export class FittedPipeline implements FittedTransformer {
  readonly kind = 'pipeline'
  readonly params: PipelineParams
  readonly steps: readonly { readonly name: string; readonly fitted: FittedTransformer }[]
  readonly inputs: readonly TransformerColumn[]
  readonly outputs: readonly TransformerColumn[]

  constructor(
    params: PipelineParams,
    steps: readonly { name: string; fitted: FittedTransformer }[],
  ) {
    this.params = params
    this.steps = Object.freeze(steps.map((s) => Object.freeze({ ...s })))
    this.inputs = steps[0]!.fitted.inputs
    this.outputs = steps[steps.length - 1]!.fitted.outputs
  }

  transform(frame: Frame): Frame {
    let f = frame
    for (const s of this.steps) f = s.fitted.transform(f)
    return f
  }

  toJSON(): TransformerJSON {
    return {
      format: 'keel-transformer',
      formatVersion: TRANSFORMER_FORMAT_VERSION,
      kind: this.kind,
      params: this.params,
      inputs: this.inputs,
      outputs: this.outputs,
      state: { steps: this.steps.map((s) => ({ name: s.name, fitted: s.fitted.toJSON() })) },
    }
  }
}

/** An unfitted pipeline. */
export class Pipeline implements Transformer<FittedPipeline, PipelineParams> {
  readonly kind = 'pipeline'
  readonly params: PipelineParams
  readonly #steps: readonly { name: string; transformer: Transformer }[]

  constructor(steps: readonly { name: string; transformer: Transformer }[]) {
    this.#steps = steps
    this.params = parseParams('pipeline', pipelineParams, {
      steps: steps.map((s) => ({ name: s.name, transformer: s.transformer.toSpec() })),
    })
  }

  #run(frame: Frame, options: TransformerFitOptions, last: 'fit' | 'fitTransform') {
    const fitted: { name: string; fitted: FittedTransformer }[] = []
    let f = frame
    let output: Frame | undefined
    this.#steps.forEach((s, k) => {
      // Each step draws from its own stream, so adding a step never reshuffles another one's folds.
      const stepOptions = { ...options, rng: options.rng.fork(`pipeline/${s.name}`) }
      if (k === this.#steps.length - 1 && last === 'fit') {
        fitted.push({ name: s.name, fitted: s.transformer.fit(f, stepOptions) })
        return
      }
      // Intermediate steps feed the next one their training output, out-of-fold where it matters.
      const r = s.transformer.fitTransform(f, stepOptions)
      fitted.push({ name: s.name, fitted: r.fitted })
      f = r.output
      output = r.output
    })
    return { fitted: new FittedPipeline(this.params, fitted), output }
  }

  fit(frame: Frame, options: TransformerFitOptions): FittedPipeline {
    return this.#run(frame, options, 'fit').fitted
  }

  fitTransform(frame: Frame, options: TransformerFitOptions): FitTransformResult<FittedPipeline> {
    const r = this.#run(frame, options, 'fitTransform')
    return { fitted: r.fitted, output: r.output! }
  }

  toSpec(): TransformerSpec {
    return { kind: this.kind, params: this.params }
  }
}

/**
 * A pipeline of steps applied in order; unnamed steps are named after their kind. `fit` feeds each
 * intermediate step the previous step's training output (`fitTransform`), so a target encoder in
 * the middle passes out-of-fold values on. Build one from a config spec with
 * {@link createTransformer}.
 *
 * @example
 * pipeline([imputer({ strategy: 'median' }), standardScaler()])
 */
export const pipeline = (steps: readonly PipelineStep[]): Pipeline => {
  if (steps.length === 0)
    throw new KeelError('INVALID_PARAMS', 'a pipeline needs at least one step')
  return new Pipeline(nameSteps(steps, isTransformer))
}

/** The registry definition of `pipeline`. */
export const pipelineDefinition: TransformerDefinition = {
  kind: 'pipeline',
  description: 'Transformers applied in sequence',
  params: pipelineParams,
  create(params, resolver) {
    const p = parseParams('pipeline', pipelineParams, params)
    return new Pipeline(
      p.steps.map((s) => ({ name: s.name, transformer: resolver.create(s.transformer) })),
    )
  },
  load(json, resolver) {
    const params = parseParams('pipeline', pipelineParams, json.params)
    const { state } = parseDocument(json, pipelineState)
    if (state.steps.length !== params.steps.length) {
      throw new KeelError('UNSUPPORTED_FORMAT', 'pipeline: steps and fitted steps differ in number')
    }
    return new FittedPipeline(
      params,
      state.steps.map((s) => ({ name: s.name, fitted: resolver.load(s.fitted) })),
    )
  },
}
