import { openProjectFeatureStore, serviceNamed } from '../../../features/index.js'
import { trainProject, type TrainResult } from '../../../training/train.js'
import type { ProgressReporter } from '../../../util/progress.js'
import { flightsLabelArrival } from '../../../datasets/index.js'
import { findFlightsExample, loadFlightsExample } from './flights-example.js'
import { writeDemoConfig, type DemoConfig } from './demo-workspace.js'
import { leakageShowcase, type LeakageShowcase } from './leakage-showcase.js'
import { promoteThroughGate, type DemoPromotion } from './promote-phase.js'
import { replayHeldOut, type ReplaySummary } from '../../../replay/index.js'

/** Options of {@link runDemo}. */
export interface DemoOptions {
  /** Where the demo keeps its workspace (`<root>/.keel`). */
  readonly root: string
  readonly rows?: number | 'all'
  readonly progress?: ProgressReporter
  /**
   * Serve the registered bundle and replay the held-out month through it, then monitor it
   * (default true); a number sets how many flights the replay sends (default 20 000).
   */
  readonly replay?: boolean | number
}

/** What the demo did, as data. */
export interface DemoResult {
  readonly workspace: string
  /**
   * The folder's `keel.config.ts`, loading the flights example, so `keel runs list`, `keel models
   * list`, `keel serve` and `keel monitor report` run there on the demo's workspace.
   */
  readonly config: DemoConfig
  readonly train: TrainResult
  /** The leakage guard on a deliberately leaky feature and its point-in-time twin. */
  readonly leakage: LeakageShowcase
  /** The blessed version moved to `production` through the gate, and its model card. */
  readonly promotion: DemoPromotion
  /** The live phase: June replayed through the service, then monitored (null when skipped). */
  readonly replay: ReplaySummary | null
}

const HOUR = 3_600_000

/**
 * The flagship example (`examples/flights/keel.config.ts`) end to end on the embedded default:
 * ingest the flights table, validate it against the example's contract, split by time, fit the feature pipeline, train the baselines and
 * candidates, record the runs, evaluate the best one against the gate, register it, and promote it
 * to `production` when the gate blessed it; then serve the bundle, replay June through it with
 * delayed labels, and end with the monitoring report. `<root>/keel.config.ts` is written first (see
 * {@link writeDemoConfig}), so the folder stays a project to continue in.
 */
export const runDemo = async (options: DemoOptions): Promise<DemoResult> => {
  const project = await loadFlightsExample(options.root)
  // First, so the folder is a project a user can continue in even if a later phase fails.
  const config = writeDemoConfig(project.root, findFlightsExample())
  const { result, artifacts } = await trainProject(project, {
    ...(options.rows === undefined ? {} : { rows: options.rows }),
    ...(options.progress ? { progress: options.progress } : {}),
  })
  options.progress?.phase('showing the leakage guard')
  const leakage = await leakageShowcase(
    project,
    artifacts.frame,
    artifacts.splitIndices,
    project.config.seed,
  )
  options.progress?.phase('promoting through the gate')
  const promotion = await promoteThroughGate(project, result, artifacts)
  let replay: ReplaySummary | null = null
  if (options.replay !== false && result.bundle.version !== null) {
    // The bundle was trained on the example's feature service: June is served with the airports
    // as keys, their features read from the online store, materialized hour by hour.
    const featureStore = await openProjectFeatureStore(project)
    try {
      const service = serviceNamed(
        featureStore.definitions,
        project.config.dataset.featureService ?? 'flight_features',
      )
      replay = await replayHeldOut({
        project,
        model: result.bundle.model,
        version: result.bundle.version,
        // Serve what production points at once the gate blessed it; a refused version by number.
        ...(promotion.promoted ? { alias: promotion.alias } : {}),
        frame: artifacts.frame,
        // June, the time split's test month: flights in departure order, labels once they landed.
        rows: artifacts.splitIndices.test,
        time: 'date',
        labelArrival: flightsLabelArrival,
        trainRows: artifacts.splitIndices.train,
        ...(typeof options.replay === 'number' ? { sample: options.replay } : {}),
        ...(options.progress ? { progress: options.progress } : {}),
        features: { store: featureStore, service, everyMs: HOUR },
      })
    } finally {
      await featureStore.close()
    }
  }
  return { workspace: project.workspace, config, train: result, leakage, promotion, replay }
}
