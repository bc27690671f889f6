import { Option, type Command } from 'commander'
import { exitCodeFor, gateStatement, gateVerdict } from '@keel/core'
import { resolve } from 'node:path'
import { loadProject } from '../../project/index.js'
import { evaluateVersion } from '../../evaluation/evaluate-version.js'
import { MODEL_REF_SYNTAX, parseModelRef } from '../../stores/index.js'
import { openProjectStores } from '../../project/workspace.js'
import { fmtNumber } from '../../reports/kit/format.js'
import { globalOptions, withGlobalOptions } from '../global.js'
import { runCommand } from '../output.js'
import { parseRows } from './options.js'

/** `keel evaluate <model>[@version|:alias]`. */
export const registerEvaluate = (program: Command): void => {
  withGlobalOptions(
    program
      .command('evaluate')
      .description(
        "full offline evaluation of a registered model; writes this evaluation's own model card (JSON + HTML) beside the one the version was registered with, which is kept; exits 11 (GATE_REFUSED) when the gate refuses it",
      )
      .argument('<model>', MODEL_REF_SYNTAX)
      .addOption(
        new Option(
          '--rows <n|all>',
          'rows to read; use what training used so the splits match',
        ).argParser(parseRows),
      )
      .option(
        '--champion <alias>',
        'compare with the version this alias points at (default: the config’s, production)',
      )
      .option('--no-champion', 'do not compare with a champion')
      .option(
        '--out <dir>',
        'reports folder; the card goes to <dir>/evaluations/<model>-v<version>/<time>-<report digest>/ (default: .keel/reports)',
      )
      .action(
        async (
          text: string,
          opts: { rows?: number | 'all'; champion?: string | false; out?: string },
          cmd: Command,
        ) => {
          const g = globalOptions(cmd)
          await runCommand(g, async (out) => {
            const cwd = g.cwd ?? process.cwd()
            const project = await loadProject({ cwd, ...(g.config ? { config: g.config } : {}) })
            const stores = await openProjectStores(project)
            try {
              const r = await evaluateVersion(project, stores, {
                ref: parseModelRef(text),
                ...(opts.rows === undefined ? {} : { rows: opts.rows }),
                ...(opts.champion === false
                  ? { champion: null }
                  : opts.champion === undefined
                    ? {}
                    : { champion: opts.champion }),
                ...(opts.out ? { outDir: resolve(cwd, opts.out) } : {}),
                onPhase: (p) => out.progress.phase(p),
                onProgress: (p) => out.progress.update(p),
              })
              const rep = r.report
              const primary = rep.metrics[rep.primaryMetric]
              out.result(
                {
                  model: r.model,
                  version: r.version,
                  runId: r.runId,
                  gate: rep.gate,
                  metrics: rep.metrics,
                  notes: rep.notes,
                  card: r.card,
                  evaluation: r.evaluation,
                  reportArtifact: r.reportArtifact,
                  report: rep,
                },
                () =>
                  [
                    `${out.style('bold', `${r.model} v${r.version}`)}: ${gateVerdict(rep.gate) === 'unchecked' ? out.style('yellow', 'not judged') : rep.gate.blessed ? out.style('green', 'blessed') : out.style('red', 'refused')} by the gate — ${gateStatement(rep.gate)}`,
                    `  ${rep.primaryMetric} ${fmtNumber(primary?.value ?? null)}${primary?.lower === undefined ? '' : ` [${fmtNumber(primary.lower)}, ${fmtNumber(primary.upper)}]`} on ${rep.data.testRows.toLocaleString('en-US')} test rows`,
                    ...(rep.champion
                      ? [
                          `  champion v${rep.champion.version}: ${rep.champion.comparisons.map((c) => `${c.metric} ${c.difference >= 0 ? '+' : ''}${fmtNumber(c.difference)} (p ${fmtNumber(c.pValue)})`).join(', ')}`,
                        ]
                      : []),
                    ...rep.gate.reasons.map((m) => `  ✗ ${m}`),
                    ...rep.notes.map((n) => `  note: ${n}`),
                    `  run ${r.runId}`,
                    `  model card: ${r.card.html}`,
                    `  (this evaluation's own card; the verdict ${r.model} v${r.version} was registered with is unchanged: keel models show ${r.model}@${r.version})`,
                  ].join('\n'),
              )
              // The report is printed either way; the exit code carries the verdict for scripts.
              return rep.gate.blessed ? 0 : exitCodeFor('GATE_REFUSED')
            } finally {
              await stores.close()
            }
          })
        },
      ),
  )
}
