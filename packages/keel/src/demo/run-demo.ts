import { trainProject, type TrainResult } from '../workflows/train.js'
import type { ProgressReporter } from '../util/progress.js'
import { flightsProject } from './flights.js'
import { leakageShowcase, type LeakageShowcase } from './leakage-showcase.js'
import { promoteThroughGate, type DemoPromotion } from './promote-phase.js'

/** Options of {@link runDemo}. */
export interface DemoOptions {
  /** Where the demo keeps its workspace (`<root>/.keel`). */
  readonly root: string
  readonly rows?: number | 'all'
  readonly progress?: ProgressReporter
}

/** What the demo did, as data. */
export interface DemoResult {
  readonly workspace: string
  readonly train: TrainResult
  /** The leakage guard on a deliberately leaky feature and its point-in-time twin. */
  readonly leakage: LeakageShowcase
  /** The blessed version moved to `production` through the gate, and its model card. */
  readonly promotion: DemoPromotion
}

/**
 * The flagship example end to end on the embedded default: ingest the flights table, validate it
 * against the example's contract, split by time, fit the feature pipeline, train the baselines and
 * candidates, record the runs, evaluate the best one against the gate, register it, and promote it
 * to `production` when the gate blessed it.
 */
export const runDemo = async (options: DemoOptions): Promise<DemoResult> => {
  const project = flightsProject(options.root)
  const { result, artifacts } = await trainProject(project, {
    ...(options.rows === undefined ? {} : { rows: options.rows }),
    ...(options.progress ? { progress: options.progress } : {}),
  })
  options.progress?.phase('showing the leakage guard')
  const leakage = leakageShowcase(artifacts.frame, artifacts.splitIndices, project.config.seed)
  options.progress?.phase('promoting through the gate')
  const promotion = await promoteThroughGate(project, result, artifacts)
  return { workspace: project.workspace, train: result, leakage, promotion }
}
