import type { BundleJSON, EvaluationReport, ModelBundle } from '@keel/core'
import type { AliasChange, ModelVersionRecord, VersionLineage } from '../../stores/index.js'

/**
 * The model card: one JSON document that says what a model is, how it was evaluated and where it
 * came from (Mitchell et al. 2019, with the book's offline-evaluation sections). It is assembled
 * from the evaluation report, the bundle and the registry's lineage, and rendered to a single
 * self-contained HTML file by `renderModelCardHtml`.
 */

/** One feature's importance, with an optional interval (computed elsewhere, shown here). */
export interface ImportanceItem {
  readonly feature: string
  readonly value: number
  readonly ci?: readonly [number, number]
}

/**
 * One item of a leakage report (core's `LeakageCheck` has this shape): the check, the feature it
 * concerns, how serious it is (`high` / `medium` / `low`), its outcome and a message.
 */
export interface LeakageItem {
  readonly check: string
  readonly feature?: string
  readonly severity: string
  readonly status?: string
  readonly message: string
}

/** Importance items from a permutation-importance report (mean and interval over repeats). */
export const importanceFromPermutation = (report: {
  readonly features: readonly {
    readonly feature: string
    readonly mean: number
    readonly ci: { readonly lower: number; readonly upper: number } | null
  }[]
}): ImportanceItem[] =>
  report.features.map((f) => ({
    feature: f.feature,
    value: f.mean,
    ...(f.ci ? { ci: [f.ci.lower, f.ci.upper] as const } : {}),
  }))

/** The flagged items of a leakage report: every check that did not pass (skipped ones included). */
export const leakageItems = (report: { readonly checks: readonly LeakageItem[] }): LeakageItem[] =>
  report.checks
    .filter((c) => c.status !== 'pass')
    .map((c) => ({
      check: c.check,
      ...(c.feature === undefined ? {} : { feature: c.feature }),
      severity: c.severity,
      ...(c.status === undefined ? {} : { status: c.status }),
      message: c.message,
    }))

/** The card's lineage section. */
export interface CardLineage {
  readonly runId: string | null
  readonly runName: string | null
  readonly datasets: readonly {
    readonly role: string
    readonly fingerprint: string
    readonly rows?: number
    readonly name?: string
  }[]
  readonly parent: { readonly model: string; readonly version: number } | null
  readonly ancestors: readonly { readonly model: string; readonly version: number }[]
  readonly descendants: readonly { readonly model: string; readonly version: number }[]
  readonly codeVersion: string | null
  readonly seed: number | null
  readonly split: unknown
  /**
   * Rows in each split as the model was trained (from the split's recorded sizes, or the
   * evaluation's validation and test rows); null when neither says. A dataset's `rows` counts the
   * whole table the splits were cut from.
   */
  readonly splitRows: {
    readonly train: number | null
    readonly validation: number
    readonly test: number
  } | null
  readonly params: Readonly<Record<string, unknown>>
}

/**
 * The model card as data: the JSON document `writeModelCard` writes beside the HTML page and a UI
 * reads (non-finite numbers are written as null). `format` and `formatVersion` identify it.
 */
export interface ModelCard {
  readonly format: 'keel-model-card'
  readonly formatVersion: 1
  /** When the card was assembled (ISO 8601). */
  readonly generatedAt: string
  /** What the model is: its registry identity, task, learner and the inputs it takes. */
  readonly model: {
    readonly name: string
    readonly version: number | null
    readonly task: string
    readonly classes: readonly string[] | null
    readonly kind: string
    readonly createdAt: string
    readonly status: string | null
    readonly aliases: readonly string[]
    readonly description: string | null
    readonly bundleDigest: string | null
    readonly inputs: readonly {
      readonly name: string
      readonly kind: string
      readonly nullable: boolean
    }[]
  }
  /** The decision threshold, the deferral floor and the calibrator baked into the bundle. */
  readonly postprocess: {
    readonly threshold: number
    readonly deferBelow: number | null
    readonly calibrator: string
  }
  /** The offline evaluation the card presents, as the evaluation step recorded it. */
  readonly evaluation: EvaluationReport
  /** Feature importance, when it was computed. */
  readonly importance: readonly ImportanceItem[] | null
  /** Leakage findings, when a leakage check ran. */
  readonly leakage: readonly LeakageItem[] | null
  /** Where the model came from: run, datasets, parent, code version, seed and parameters. */
  readonly lineage: CardLineage
  /** The model's recent alias moves, newest first, as the registry lists them. */
  readonly aliasHistory: readonly AliasChange[]
}

/** What {@link modelCard} assembles a card from; only the report and the bundle are required. */
export interface ModelCardInput {
  readonly report: EvaluationReport
  readonly bundle: ModelBundle | BundleJSON
  readonly version?: ModelVersionRecord
  readonly lineage?: VersionLineage
  readonly aliasHistory?: readonly AliasChange[]
  readonly importance?: readonly ImportanceItem[]
  /** Leakage report items; an opaque section a leakage checker fills. */
  readonly leakage?: readonly LeakageItem[]
  readonly generatedAt?: string
}

const toJSON = (b: ModelBundle | BundleJSON): BundleJSON => ('format' in b ? b : b.toJSON())

/** Assemble a model card. Pure: no I/O, so the same inputs give the same card. */
export const modelCard = (input: ModelCardInput): ModelCard => {
  const b = toJSON(input.bundle)
  const v = input.version ?? input.lineage?.version
  const run = input.lineage?.run ?? null
  const datasets =
    b.lineage.datasets && b.lineage.datasets.length > 0
      ? b.lineage.datasets.map((d) => ({ role: d.role, fingerprint: d.fingerprint, rows: d.rows }))
      : (input.lineage?.datasets ?? v?.datasets ?? []).map((d) => ({
          role: d.role,
          fingerprint: d.fingerprint,
          ...(d.name ? { name: d.name } : {}),
        }))
  const calibrator = (b.calibrator as { kind?: unknown } | null)?.kind
  return {
    format: 'keel-model-card',
    formatVersion: 1,
    generatedAt: input.generatedAt ?? new Date().toISOString(),
    model: {
      name: b.name,
      version: v?.version ?? null,
      task: b.task,
      classes: b.label.classes ? [...b.label.classes] : null,
      kind: b.model.kind,
      createdAt: b.createdAt,
      status: v?.status ?? null,
      aliases: v ? [...v.aliases] : [],
      description: v?.description ?? null,
      bundleDigest: v?.bundle.digest ?? null,
      inputs: b.inputs.map((f) => ({ name: f.name, kind: f.kind, nullable: f.nullable })),
    },
    postprocess: {
      threshold: b.postprocess.threshold,
      deferBelow: b.postprocess.deferBelow,
      calibrator: typeof calibrator === 'string' ? calibrator : 'none',
    },
    evaluation: input.report,
    importance: input.importance ? [...input.importance] : null,
    leakage: input.leakage ? [...input.leakage] : null,
    lineage: {
      runId: b.lineage.runId ?? v?.sourceRunId ?? null,
      runName: run?.name ?? null,
      datasets,
      parent: v?.parent ?? (b.lineage.parent ? parseParent(b.lineage.parent) : null),
      ancestors: input.lineage ? [...input.lineage.ancestors] : [],
      descendants: input.lineage ? [...input.lineage.descendants] : [],
      codeVersion:
        b.lineage.codeVersion ??
        (run?.git ? `${run.git.commit}${run.git.dirty ? '+dirty' : ''}` : null),
      seed: b.lineage.seed ?? run?.seed ?? null,
      split: b.lineage.split ?? null,
      splitRows: splitRowsOf(b.lineage.split, input.report),
      params: b.lineage.params ?? run?.params ?? {},
    },
    aliasHistory: input.aliasHistory ? [...input.aliasHistory] : [],
  }
}

/** Split sizes from a bundle's recorded split (`{ sizes: { train, validation, test } }`). */
const splitRowsOf = (split: unknown, report: EvaluationReport): CardLineage['splitRows'] => {
  const sizes = (split as { sizes?: Partial<Record<string, unknown>> } | null | undefined)?.sizes
  const count = (v: unknown): number | null =>
    typeof v === 'number' && Number.isInteger(v) && v >= 0 ? v : null
  const train = count(sizes?.['train'])
  return {
    train,
    validation: count(sizes?.['validation']) ?? report.data.validationRows,
    test: count(sizes?.['test']) ?? report.data.testRows,
  }
}

/** A bundle's `parent` is free text (`model@3` or a digest); keep what can be read. */
const parseParent = (parent: string): { model: string; version: number } | null => {
  const m = /^(.+)@(\d+)$/.exec(parent)
  return m ? { model: m[1]!, version: Number(m[2]) } : null
}
