import { existsSync } from 'node:fs'
import { resolve } from 'node:path'
import type { Command } from 'commander'
import { KeelError, type Frame } from '@keel/core'
import { predictBatch } from '../../batch/index.js'
import {
  projectFeatureDefinitions,
  trainedService,
  withServiceFeatures,
} from '../../features/index.js'
import { loadProject } from '../../project/index.js'
import { readChunks, sourceSpecSchema, type SourceSpec } from '../../data/index.js'
import { loadRegisteredBundle } from '../../release/registry-views.js'
import { MODEL_REF_SYNTAX, parseModelRef } from '../../stores/index.js'
import { openProjectStores } from '../../project/workspace.js'
import { globalOptions, withGlobalOptions } from '../global.js'
import { runCommand } from '../output.js'

/** `keel predict`: batch prediction with the same bundle and numbers as HTTP. */
export const registerPredict = (program: Command): void => {
  withGlobalOptions(
    program
      .command('predict')
      .description('batch prediction from a file to .parquet/.csv/.ndjson, in chunks, resumable')
      .requiredOption('-i, --input <file>', 'input rows: CSV, Parquet, JSON or NDJSON')
      .requiredOption('-o, --output <file>', 'output file (.parquet, .csv or .ndjson)')
      .option('-m, --model <ref>', `${MODEL_REF_SYNTAX} (default: the project model)`)
      .option('--passthrough <columns>', 'input columns to copy to the output (comma-separated)')
      .option('--overwrite', 'replace an existing output file')
      .option('--no-resume', 'start over instead of resuming an interrupted run')
      .option(
        '--time-column <name>',
        "for a model trained on a feature service: the rows' time, at which its features are joined (default: the contract's timestamp field)",
      )
      .action(
        async (
          opts: {
            input: string
            output: string
            model?: string
            timeColumn?: string
            passthrough?: string
            overwrite?: boolean
            resume: boolean
          },
          cmd: Command,
        ) => {
          const g = globalOptions(cmd)
          await runCommand(g, async (out) => {
            const cwd = g.cwd ?? process.cwd()
            const project = await loadProject({ cwd, ...(g.config ? { config: g.config } : {}) })
            const input = resolve(cwd, opts.input)
            if (!existsSync(input))
              throw new KeelError('FILE_NOT_FOUND', `no such file: ${input}`, {
                path: [opts.input],
              })
            const ref = parseModelRef(opts.model ?? project.config.name)
            const model = ref.model
            const stores = await openProjectStores(project)
            try {
              const { bundle, version } = await loadRegisteredBundle(stores, ref)
              out.progress.phase(`predicting with ${model} v${version}`)
              const chunks = readChunks(sourceSpecSchema.parse({ path: input }) as SourceSpec)
              // A model trained on a feature service gets its features joined point in time at
              // each row's time, as the online store would have served them.
              const lineage = bundle.lineage.featureService
              let rows: AsyncIterable<Frame> = chunks
              if (lineage !== undefined) {
                const store = projectFeatureDefinitions(project)
                const timeColumn =
                  opts.timeColumn ??
                  (project.config.schema?.fields ?? []).find((f) => f.role === 'timestamp')?.name
                if (timeColumn === undefined) {
                  throw new KeelError(
                    'INVALID_ARGUMENT',
                    `${model} v${version} reads feature service "${lineage.name}": name the rows' time column with --time-column`,
                    { path: ['--time-column'] },
                  )
                }
                rows = withServiceFeatures(
                  chunks,
                  store,
                  trainedService(store, lineage),
                  timeColumn,
                )
              }
              const result = await predictBatch({
                bundle,
                input: rows,
                output: resolve(cwd, opts.output),
                ...(opts.passthrough
                  ? { passthrough: opts.passthrough.split(',').map((s) => s.trim()) }
                  : {}),
                resumable: opts.resume,
                ...(opts.overwrite ? { overwrite: true } : {}),
                onProgress: (p) =>
                  out.progress.update({ done: p.rows, message: `${p.chunks} chunks` }),
              })
              out.result(
                { model, version, ...result },
                () =>
                  `wrote ${result.rows.toLocaleString('en-US')} predictions of ${model} v${version} to ${result.output}`,
              )
            } finally {
              await stores.close()
            }
          })
        },
      ),
  )
}
