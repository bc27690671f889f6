import { existsSync } from 'node:fs'
import { resolve } from 'node:path'
import { Option, type Command } from 'commander'
import { KeelError, renderProfile, type ContractIssue, type ValidationResult } from '@keel/core'
import { loadProject } from '../../project/index.js'
import { profileSource, sourceSpecSchema, type SourceSpec } from '../../data/index.js'
import { datasetContract, scanDataset } from '../../data/dataset.js'
import { validateBatch, type BatchValidation } from '../../data/batch.js'
import { globalOptions, withGlobalOptions } from '../global.js'
import { runCommand, type Output } from '../output.js'
import { parseRows } from './options.js'

const rowsOption = (): Option =>
  new Option('--rows <n|all>', 'sample this many rows (seeded), or all').argParser(parseRows)

/** A file given on the command line as a source (no config needed). */
const fileSource = (cwd: string, file: string): SourceSpec => {
  const path = resolve(cwd, file)
  if (!existsSync(path))
    throw new KeelError('FILE_NOT_FOUND', `no such file: ${path}`, { path: [file] })
  return sourceSpecSchema.parse({ path }) as SourceSpec
}

const renderIssues = (out: Output, v: ValidationResult): string => {
  if (v.ok)
    return `${out.style('green', '✓')} ${v.summary.rows.toLocaleString('en-US')} rows satisfy the contract`
  const lines = [
    `${out.style('red', '✗')} ${v.summary.violations.toLocaleString('en-US')} violation(s) in ${v.summary.rows.toLocaleString('en-US')} rows`,
  ]
  for (const i of v.issues as readonly ContractIssue[]) {
    const where = i.column ?? i.check ?? '(row)'
    const rows =
      i.rows.length > 0 ? ` — rows ${i.rows.slice(0, 5).join(', ')}${i.count > 5 ? ', …' : ''}` : ''
    lines.push(
      `  ${out.style('bold', i.code.padEnd(20))} ${where}: ${i.message} (${i.count})${rows}`,
    )
  }
  return lines.join('\n')
}

/** A batch's validation: the contract's issues, then what the contract does not cover. */
const renderBatch = (out: Output, v: BatchValidation): string => {
  const lines = [`${v.source}`, renderIssues(out, v)]
  if (v.extraColumns.length > 0)
    lines.push(
      `  ${out.style('bold', 'extra columns'.padEnd(20))} ${v.extraColumns.join(', ')} (not in the contract)`,
    )
  const label = v.label
  if (label && !label.present)
    lines.push(
      `  ${out.style('bold', 'label'.padEnd(20))} ${label.column}: absent (a batch to score)`,
    )
  if (label && label.unknownClasses.length > 0) {
    const shown = label.unknownClasses
      .slice(0, 10)
      .map((c) => `${JSON.stringify(c.value)} (${c.count})`)
    const more = label.unknownClasses.length > 10 ? ', …' : ''
    lines.push(
      `  ${out.style('bold', 'unknown_label_class'.padEnd(20))} ${label.column}: ${shown.join(', ')}${more}; the project knows ${(label.knownClasses ?? []).map((c) => JSON.stringify(c)).join(', ')}`,
    )
  }
  return lines.join('\n')
}

/** `keel data profile` and `keel data validate`. */
export const registerData = (program: Command): void => {
  const data = program
    .command('data')
    .description('profile and validate data against the schema contract')

  withGlobalOptions(
    data
      .command('profile')
      .description(
        'count, nulls, distinct, min/max/mean/std, quantiles, top values and histograms per column',
      )
      .argument('[file]', 'a CSV, Parquet, JSON or NDJSON file (default: the project dataset)')
      .addOption(rowsOption())
      .action(async (file: string | undefined, opts: { rows?: number | 'all' }, cmd: Command) => {
        const g = globalOptions(cmd)
        await runCommand(g, async (out) => {
          const cwd = g.cwd ?? process.cwd()
          out.progress.phase('profiling')
          const onProgress = (p: { done: number; total?: number }): void => out.progress.update(p)
          let profile
          if (file !== undefined) {
            const sample =
              opts.rows === undefined || opts.rows === 'all'
                ? undefined
                : { rows: opts.rows, seed: 42 }
            profile = await profileSource(fileSource(cwd, file), {
              onProgress,
              ...(sample ? { sample } : {}),
            })
          } else {
            const project = await loadProject({ cwd, ...(g.config ? { config: g.config } : {}) })
            profile = (
              await scanDataset(
                project,
                { profile: true },
                { onProgress, ...(opts.rows ? { rows: opts.rows } : {}) },
              )
            ).profile!
          }
          out.result(profile, () => renderProfile(profile))
        })
      }),
  )

  withGlobalOptions(
    data
      .command('validate')
      .description(
        'check the dataset, or a new batch, against the schema contract; exits 4 and names every violation',
      )
      .argument(
        '[file]',
        'a new batch to check against the project (also reports extra columns and unknown label classes)',
      )
      .addOption(rowsOption())
      .action(async (file: string | undefined, opts: { rows?: number | 'all' }, cmd: Command) => {
        const g = globalOptions(cmd)
        await runCommand(g, async (out) => {
          const cwd = g.cwd ?? process.cwd()
          const project = await loadProject({ cwd, ...(g.config ? { config: g.config } : {}) })
          const onProgress = (p: { done: number; total?: number }): void => out.progress.update(p)
          if (!project.config.schema)
            out.progress.phase('inferring a contract (the config declares none)')
          const contract = await datasetContract(project)
          out.progress.phase('validating')
          if (file !== undefined) {
            const v = await validateBatch(project, fileSource(cwd, file), {
              contract,
              onProgress,
              ...(opts.rows ? { rows: opts.rows } : {}),
            })
            out.result(v, () => renderBatch(out, v))
            return v.ok ? 0 : 4
          }
          const scan = await scanDataset(
            project,
            { contract },
            { onProgress, ...(opts.rows ? { rows: opts.rows } : {}) },
          )
          const v = scan.validation!
          out.result(v, () => renderIssues(out, v))
          return v.ok ? 0 : 4
        })
      }),
  )
}
