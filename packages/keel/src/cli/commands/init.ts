import { existsSync, mkdirSync, renameSync, writeFileSync } from 'node:fs'
import { basename, dirname, relative, resolve } from 'node:path'
import { Option, type Command } from 'commander'
import { KeelError, inferContract, type ContractField, type FrameProfile } from '@keel/core'
import { profileSource, sourceSpecSchema, type SourceSpec } from '../../data/index.js'
import { globalOptions, withGlobalOptions } from '../global.js'
import { runCommand } from '../output.js'
import { parsePositiveInt } from './options.js'

type Task = 'binary' | 'multiclass' | 'regression'

/** The task a label column suggests: two values → binary, a few categories → multiclass. */
export const suggestTask = (profile: FrameProfile, label: string): Task => {
  const col = profile.columns.find((c) => c.name === label)
  if (!col)
    throw new KeelError('SCHEMA_MISMATCH', `label column "${label}" is not in the data`, {
      path: [label],
    })
  if (col.kind === 'boolean') return 'binary'
  const distinct = col.distinct.value
  if (col.kind === 'categorical' || col.kind === 'text')
    return distinct <= 2 ? 'binary' : 'multiclass'
  return distinct <= 2 ? 'binary' : 'regression'
}

const projectName = (dir: string): string =>
  basename(dir)
    .toLowerCase()
    .replace(/[^a-z0-9_-]+/g, '-')
    .replace(/^[^a-z0-9]+/, '') || 'project'

const literal = (v: unknown): string => JSON.stringify(v)

const fieldLine = (f: ContractField): string => {
  const parts = [`name: ${literal(f.name)}`, `kind: ${literal(f.kind)}`]
  if (f.role && f.role !== 'feature') parts.push(`role: ${literal(f.role)}`)
  if (f.nullable === false) parts.push('nullable: false')
  if (f.unique) parts.push('unique: true')
  if (f.range) parts.push(`range: ${literal(f.range)}`)
  if (f.categories) parts.push(`categories: ${literal(f.categories)}`)
  return `      { ${parts.join(', ')} },`
}

/** The text of a starter `keel.config.ts`. */
export const starterConfig = (o: {
  name: string
  sourcePath: string
  label: string
  task: Task
  fields: readonly ContractField[]
  notes: readonly { column: string; message: string }[]
}): string => {
  const notes = o.notes.map((n) => `// - ${n.column}: ${n.message}`).join('\n')
  const candidates =
    o.task === 'regression'
      ? `    { name: 'gbdt', kind: 'gbdt', params: { objective: 'l2' } },\n    { name: 'ridge', kind: 'ridge' },`
      : `    { name: 'gbdt', kind: 'gbdt' },\n    { name: 'logistic', kind: 'logistic-regression' },`
  const features = o.fields.filter((f) => (f.role ?? 'feature') === 'feature' && f.name !== o.label)
  const steps: string[] = []
  if (features.some((f) => f.kind === 'numeric')) {
    steps.push(
      `        { name: 'numbers', transformer: { kind: 'imputer', params: { strategy: 'median', indicator: true } }, columns: { kinds: ['numeric'] } },`,
    )
  }
  if (features.some((f) => f.kind === 'categorical')) {
    steps.push(
      `        { name: 'categories', transformer: { kind: 'one-hot-encoder', params: { maxCategories: 20 } }, columns: { kinds: ['categorical'] } },`,
    )
  }
  const pipeline = steps.length
    ? `  // The feature pipeline, fitted on the train split only and saved in every bundle.
  features: {
    kind: 'column-transformer',
    params: {
      transformers: [
${steps.join('\n')}
      ],
      remainder: 'passthrough',
    },
  },
`
    : ''
  return `import { defineProject } from 'keel'

// Written by \`keel init\` from ${o.sourcePath}. The schema below was inferred from the data: review
// the kinds and roles, tighten ranges and categories, and rerun \`keel data validate\`.
${notes ? `//\n// What inference noticed:\n${notes}\n` : ''}
export default defineProject({
  name: ${literal(o.name)},
  seed: 42,
  sources: {
    data: { path: ${literal(o.sourcePath)} },
  },
  label: { column: ${literal(o.label)}, task: ${literal(o.task)} },
  schema: {
    fields: [
${o.fields.map(fieldLine).join('\n')}
    ],
  },
${pipeline}  baselines: [{ name: 'zero-rule', kind: 'zero-rule' }],
  candidates: [
${candidates}
  ],
})
`
}

/** `keel init <data file>`: write a starter keel.config.ts with the inferred schema. */
export const registerInit = (program: Command): void => {
  withGlobalOptions(
    program
      .command('init')
      .description(
        'write a starter keel.config.ts for a data file, with its inferred schema contract',
      )
      .argument('<file>', 'a CSV, Parquet, JSON or NDJSON file')
      .option('--label <column>', 'the label column (default: a column named label, target or y)')
      .addOption(
        new Option('--task <task>', 'the task (default: from the label)').choices([
          'binary',
          'multiclass',
          'regression',
        ]),
      )
      .option('--name <name>', 'project name (default: the folder name)')
      .addOption(
        new Option('--rows <n>', 'rows to sample for inference')
          .argParser(parsePositiveInt)
          .default(100_000),
      )
      .option('-f, --force', 'overwrite an existing keel.config.ts')
      .action(
        async (
          file: string,
          opts: { label?: string; task?: Task; name?: string; rows: number; force?: boolean },
          cmd: Command,
        ) => {
          const g = globalOptions(cmd)
          await runCommand(g, async (out) => {
            const cwd = resolve(g.cwd ?? process.cwd())
            const target = resolve(cwd, g.config ?? 'keel.config.ts')
            if (existsSync(target) && !opts.force) {
              throw new KeelError('CONFLICT', `${target} already exists`, {
                hint: 'use --force to overwrite it',
              })
            }
            const dataPath = resolve(cwd, file)
            if (!existsSync(dataPath))
              throw new KeelError('FILE_NOT_FOUND', `no such file: ${dataPath}`, { path: [file] })
            const sourcePath = relative(dirname(target), dataPath) || basename(dataPath)
            const spec = sourceSpecSchema.parse({ path: dataPath }) as SourceSpec
            out.progress.phase('profiling')
            const profile = await profileSource(spec, {
              sample: { rows: opts.rows, seed: 42 },
              onProgress: (p) => out.progress.update(p),
            })
            const inferred = inferContract(profile, opts.label ? { label: opts.label } : {})
            const label =
              opts.label ?? inferred.contract.fields.find((f) => f.role === 'label')?.name
            if (!label) {
              throw new KeelError('INVALID_ARGUMENT', 'no label column found', {
                hint: `pass --label <column>; columns: ${profile.columns.map((c) => c.name).join(', ')}`,
              })
            }
            const task = opts.task ?? suggestTask(profile, label)
            const text = starterConfig({
              name: opts.name ?? projectName(dirname(target)),
              sourcePath,
              label,
              task,
              fields: inferred.contract.fields,
              notes: inferred.notes,
            })
            mkdirSync(dirname(target), { recursive: true })
            const tmp = `${target}.${process.pid}.tmp`
            writeFileSync(tmp, text)
            renameSync(tmp, target)
            const data = {
              file: target,
              label,
              task,
              fields: inferred.contract.fields,
              notes: inferred.notes,
            }
            out.result(data, () =>
              [
                `wrote ${relative(cwd, target) || target}: ${inferred.contract.fields.length} fields, label "${label}" (${task})`,
                ...inferred.notes.map((n) => `  note: ${n.column}: ${n.message}`),
                'next: review the schema, then `keel data validate` and `keel train`',
              ].join('\n'),
            )
          })
        },
      ),
  )
}
