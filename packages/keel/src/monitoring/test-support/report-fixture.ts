import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import { pino, type Logger } from 'pino'
import type { MonitoringAlert, MonitoringReport } from '../report.js'
import { DAY, T0 } from '../../testing/monitor-fixture.js'

/**
 * A minimal report over daily windows whose alerts are given directly: `active[k]` lists the
 * subjects of the feature-drift alerts active in window k.
 */
export const reportWithAlerts = (
  active: readonly (readonly string[])[],
  model = 'toy',
): MonitoringReport => {
  const windows = active.map((_, k) => ({
    index: k,
    key: new Date(T0 + k * DAY).toISOString(),
    start: T0 + k * DAY,
    end: T0 + (k + 1) * DAY,
    partial: false,
    predictions: 100,
    versions: { '1': 100 },
  }))
  const alerts: MonitoringAlert[] = active.flatMap((subjects, k) =>
    subjects.map((subject) => ({
      key: `feature_drift:${subject}`,
      kind: 'feature_drift' as const,
      subject,
      severity: 'warning' as const,
      window: k,
      windowKey: windows[k]!.key,
      message: `feature "${subject}" drifted`,
      value: 0.3,
      threshold: 0.1,
      status: 'new' as const,
      since: windows[k]!.key,
      firstSeenAt: new Date(T0 + active.length * DAY).toISOString(),
      fresh: false,
      notified: false,
    })),
  )
  return {
    format: 'keel.monitoring.report',
    formatVersion: 1,
    model,
    version: '1',
    task: 'binary',
    classes: ['no', 'yes'],
    generatedAt: new Date(T0 + active.length * DAY).toISOString(),
    asOf: T0 + active.length * DAY,
    range: { from: null, to: null },
    window: { by: 'time', sizeMs: DAY },
    events: {
      predictions: 100 * active.length,
      labelled: 0,
      unmatchedLabels: 0,
      supersededLabels: 0,
    },
    windows,
    drift: {
      basis: 'reference',
      features: [],
      skippedFeatures: [],
      alpha: 0.05,
      correction: 'fdr_bh',
      numericEffect: { metric: 'psi', threshold: 0.2 },
      categoricalEffect: { metric: 'psi', threshold: 0.2 },
      windows: [],
    },
    output: { quantity: 'p(yes)', basis: 'none', windows: [] },
    labels: { basis: 'none', windows: [] },
    multivariate: { basis: 'none', threshold: 0.7, windows: [] },
    quality: [],
    performance: { metrics: [], level: 0.95, coverageMin: null, bounds: {}, windows: [] },
    operational: [],
    detectors: [],
    alerts,
    delivery: null,
    notes: [],
  }
}

/** A pino logger that keeps its lines in memory. */
export const memoryLogger = (): { logger: Logger; lines: Record<string, unknown>[] } => {
  const lines: Record<string, unknown>[] = []
  const logger = pino(
    { level: 'warn' },
    { write: (s: string) => lines.push(JSON.parse(s) as Record<string, unknown>) },
  )
  return { logger, lines }
}

/** A webhook receiver on 127.0.0.1 that answers with `statuses` in turn (then 200) and records bodies. */
export const startWebhook = async (
  statuses: readonly (number | 'hang')[] = [],
): Promise<{ url: string; bodies: unknown[]; hits: () => number; close: () => Promise<void> }> => {
  const bodies: unknown[] = []
  let hits = 0
  const server: Server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = []
    req.on('data', (c: Buffer) => chunks.push(c))
    req.on('end', () => {
      const answer = statuses[hits++] ?? 200
      if (answer === 'hang') return // never answer: the client must time out
      if (answer === 200) bodies.push(JSON.parse(Buffer.concat(chunks).toString('utf8')))
      res.writeHead(answer, { 'content-type': 'application/json' }).end('{}')
    })
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as AddressInfo
  return {
    url: `http://127.0.0.1:${port}/hook`,
    bodies,
    hits: () => hits,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections()
        server.close(() => resolve())
      }),
  }
}
