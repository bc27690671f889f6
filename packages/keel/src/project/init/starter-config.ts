import type { ContractField, GateSpec, InferenceNote } from '@keel/core'
import type { StarterStep } from './starter-pipeline.js'
import type { InitTask } from './suggest-task.js'
import { tsLiteral } from './ts-literal.js'

/** A learner entry of the starter config. */
export interface StarterLearner {
  readonly name: string
  readonly kind: string
  readonly params?: Readonly<Record<string, unknown>>
}

/** Everything `keel init` decided, as data; {@link starterConfig} writes it as `keel.config.ts`. */
export interface StarterPlan {
  readonly name: string
  /** The data file, relative to the config file. */
  readonly sourcePath: string
  readonly label: string
  readonly task: InitTask
  readonly fields: readonly ContractField[]
  readonly notes: readonly InferenceNote[]
  readonly steps: readonly StarterStep[]
  /** The split, when the default (by time when a timestamp exists) will not do. */
  readonly split?: { readonly kind: string; readonly column?: string }
  readonly baselines: readonly StarterLearner[]
  readonly candidates: readonly StarterLearner[]
  readonly gate: GateSpec
  /** Why the gate reads as it does, one comment line. */
  readonly gateNote: string
}

/** The GBDT objective for each task (the names its hyperparameter schema accepts). */
export const GBDT_OBJECTIVE: Readonly<Record<InitTask, string>> = {
  binary: 'logloss',
  multiclass: 'softmax',
  regression: 'squared',
}

/** The starter learners: a tree ensemble and a linear model, against the majority / mean. */
export const starterLearners = (
  task: InitTask,
): { baselines: StarterLearner[]; candidates: StarterLearner[] } => ({
  baselines: [{ name: 'zero-rule', kind: 'zero-rule' }],
  candidates: [
    { name: 'gbdt', kind: 'gbdt', params: { objective: GBDT_OBJECTIVE[task] } },
    task === 'regression'
      ? { name: 'ridge', kind: 'ridge' }
      : { name: 'logistic', kind: 'logistic-regression' },
  ],
})

const fieldLiteral = (f: ContractField): string => {
  const out: Record<string, unknown> = { name: f.name, kind: f.kind }
  if (f.role && f.role !== 'feature') out['role'] = f.role
  if (f.nullable === false) out['nullable'] = false
  if (f.unique) out['unique'] = true
  if (f.range) out['range'] = f.range
  if (f.categories) out['categories'] = f.categories
  return tsLiteral(out)
}

const stepLiteral = (s: StarterStep): string =>
  tsLiteral({ name: s.name, transformer: s.transformer, columns: s.columns })

const learnerLiteral = (l: StarterLearner): string =>
  tsLiteral({ name: l.name, kind: l.kind, params: l.params })

const pipelineText = (steps: readonly StarterStep[]): string => {
  if (steps.length === 0) return ''
  return `  // The feature pipeline, fitted on the train split only and saved in every bundle. Each step
  // selects columns by kind or role and must find at least one: if you ignore the last column a
  // step reads, delete that step.
  features: {
    kind: 'column-transformer',
    params: {
      transformers: [
${steps.map((s) => `        ${stepLiteral(s)},`).join('\n')}
      ],
      remainder: 'passthrough',
    },
  },
`
}

/** The text of a starter `keel.config.ts`. */
export const starterConfig = (p: StarterPlan): string => {
  const notes = p.notes.map((n) => `// - ${n.column}: ${n.message}`).join('\n')
  return `import { defineProject } from 'keel'

// Written by \`keel init\` from ${p.sourcePath}. The schema below was inferred from the data: review
// the kinds and roles, tighten ranges and categories, and rerun \`keel data validate\`.
${notes ? `//\n// What inference noticed:\n${notes}\n` : ''}
export default defineProject({
  name: ${tsLiteral(p.name)},
  seed: 42,
  sources: {
    data: { path: ${tsLiteral(p.sourcePath)} },
  },
  label: { column: ${tsLiteral(p.label)}, task: ${tsLiteral(p.task)} },
${p.split ? `  split: ${tsLiteral(p.split)},\n` : ''}  schema: {
    fields: [
${p.fields.map((f) => `      ${fieldLiteral(f)},`).join('\n')}
    ],
  },
${pipelineText(p.steps)}  baselines: [
${p.baselines.map((b) => `    ${learnerLiteral(b)},`).join('\n')}
  ],
  candidates: [
${p.candidates.map((c) => `    ${learnerLiteral(c)},`).join('\n')}
  ],
  evaluation: {
    // ${p.gateNote}
    gate: ${tsLiteral(p.gate)},
  },
})
`
}
