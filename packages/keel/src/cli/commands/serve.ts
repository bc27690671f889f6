import { Option, type Command } from 'commander'
import { KeelError } from '@keel/core'
import { loadProject } from '../../project/index.js'
import {
  createRegistryBundleSource,
  createServer,
  MISSING_FEATURE_POLICIES,
  type MissingFeaturePolicy,
  DEFAULT_CONNECTION_LIMITS,
  type ListenInfo,
  DEFAULT_MAX_EVENT_BYTES,
} from '../../serving/index.js'
import { MODEL_REF_SYNTAX, parseModelRef, refAlias } from '../../stores/index.js'
import { serveFeatureOptions } from '../../serving/project-features.js'
import { logger } from '../../util/logger.js'
import {
  openProjectEventLog,
  openProjectPredictionCache,
  openProjectStores,
  projectBackends,
} from '../../project/workspace.js'
import { globalOptions, withGlobalOptions } from '../global.js'
import { runCommand } from '../output.js'
import { parsePositiveInt } from './options.js'

const CRASH_SEMANTICS = `
The prediction log and crashes:
  Every prediction is logged with the model's declared inputs only (other fields are dropped and
  counted); inputs over --max-event-bytes are replaced by a marker with their size.
  By default an answer does not wait for its event: events are buffered and written every ~50 ms.
  SIGTERM or Ctrl-C loses nothing (in-flight requests finish, the buffer is flushed). A hard crash
  (kill -9, out of memory) loses the predictions answered in the last flush window (~50 ms of
  traffic), or, while the event log is unreachable, what is buffered (up to 100 000 events).
  With --durable-log an answer is sent only after its event is committed to the log, so a crash of
  the service loses no answered prediction; concurrent requests share one commit. A request whose
  event cannot be stored within 5 s fails with 503. (A commit of the embedded SQLite log survives
  a crash of the process; a power loss or OS crash can still take its last commits.)
  The log grows until pruned: \`keel events prune --max-age 30d --max-bytes 5GB\` (see its --help).
`

/** `keel serve`: the HTTP prediction service for registry aliases or versions. */
export const registerServe = (program: Command): void => {
  withGlobalOptions(
    program
      .command('serve')
      .description(
        'serve models from the registry over HTTP (predict, feedback, health, metrics, OpenAPI)',
      )
      .argument(
        '[models...]',
        `models to serve: ${MODEL_REF_SYNTAX} (default: the project model); each loads before the server starts`,
      )
      .addOption(new Option('-p, --port <port>', 'port').argParser(parsePositiveInt).default(8080))
      .option('-H, --host <host>', 'address to listen on', '127.0.0.1')
      .option(
        '--events <url>',
        'event log: nats://…, sqlite:path (default: KEEL_EVENTS or .keel/events.db)',
      )
      .option('--no-events', 'do not log predictions')
      .option(
        '--token <token>',
        'bearer token for admin and feedback endpoints (default: KEEL_SERVE_TOKEN)',
      )
      .option('--require-token', 'require the token on predict too')
      .addOption(
        new Option(
          '--missing-features <policy>',
          'a missing input value: impute (answered with a warning; filled with its training mean or most frequent value unless training had missing values there) or reject (422)',
        )
          .choices(MISSING_FEATURE_POLICIES)
          .default('impute'),
      )
      .option('--protect-metrics', 'require the token on /metrics too')
      .addOption(
        new Option('--headers-timeout <ms>', 'time a client has to send the request headers')
          .argParser(parsePositiveInt)
          .default(DEFAULT_CONNECTION_LIMITS.headersTimeoutMs),
      )
      .addOption(
        new Option(
          '--request-timeout <ms>',
          'time a client has to send the whole request, body included (then 408 and the connection is closed)',
        )
          .argParser(parsePositiveInt)
          .default(DEFAULT_CONNECTION_LIMITS.requestTimeoutMs),
      )
      .addOption(
        new Option('--keep-alive-timeout <ms>', 'how long an idle keep-alive connection stays open')
          .argParser(parsePositiveInt)
          .default(DEFAULT_CONNECTION_LIMITS.keepAliveTimeoutMs),
      )
      .addOption(
        new Option('--max-connections <n>', 'most open connections (more are closed at once)')
          .argParser(parsePositiveInt)
          .default(DEFAULT_CONNECTION_LIMITS.maxConnections),
      )
      .option(
        '--durable-log',
        'answer a prediction only once its event is stored in the event log (group commit)',
      )
      .addOption(
        new Option(
          '--max-event-bytes <bytes>',
          'largest logged inputs of one prediction; larger ones are replaced by a marker',
        )
          .argParser(parsePositiveInt)
          .default(DEFAULT_MAX_EVENT_BYTES),
      )
      .addOption(
        new Option(
          '--feature-fallback <policy>',
          'when the online feature store fails or is slow: reject (503) or missing (predict with the fetched features missing)',
        )
          .choices(['reject', 'missing'])
          .default('reject'),
      )
      .option(
        '--online <url>',
        'online feature store: redis://…, sqlite:path (default: KEEL_ONLINE_STORE or .keel/online.db)',
      )
      .addHelpText('after', CRASH_SEMANTICS)
      .action(
        async (
          models: string[],
          opts: {
            port: number
            host: string
            events: string | boolean
            token?: string
            requireToken?: boolean
            missingFeatures: MissingFeaturePolicy
            protectMetrics?: boolean
            headersTimeout: number
            requestTimeout: number
            keepAliveTimeout: number
            maxConnections: number
            durableLog?: boolean
            maxEventBytes: number
            featureFallback: 'reject' | 'missing'
            online?: string
          },
          cmd: Command,
        ) => {
          const g = globalOptions(cmd)
          await runCommand(g, async (out) => {
            const project = await loadProject({
              cwd: g.cwd ?? process.cwd(),
              ...(g.config ? { config: g.config } : {}),
            })
            const stores = await openProjectStores(project)
            const refs = (models.length > 0 ? models : [project.config.name]).map((m) =>
              parseModelRef(m),
            )
            const eventLog =
              opts.events === false
                ? null
                : await openProjectEventLog(
                    project,
                    typeof opts.events === 'string' ? opts.events : undefined,
                  )
            const token = opts.token ?? projectBackends(project).serveToken
            if (opts.protectMetrics && !token)
              throw new KeelError('INVALID_ARGUMENT', '--protect-metrics needs a token', {
                path: ['protect-metrics'],
                hint: 'pass --token <token> or set KEEL_SERVE_TOKEN',
              })
            const cache = await openProjectPredictionCache(project)
            const features = await serveFeatureOptions(project, stores, opts)
            const server = createServer({
              source: createRegistryBundleSource(stores),
              // Aliases are preloaded (and followed on reload); a pinned version is preloaded and
              // held, and answers ?version=N, so serving one never depends on an alias existing.
              // Either way the server does not start when a model cannot be loaded.
              models: refs.map((r) => {
                const alias = refAlias(r)
                return alias === null
                  ? { name: r.model, version: String(r.version) }
                  : { name: r.model, alias }
              }),
              eventLog,
              log: { durable: opts.durableLog ?? false, maxEventBytes: opts.maxEventBytes },
              ...(cache ? { cache } : {}),
              ...(features ? { features } : {}),
              logger: logger(),
              ...(token ? { token } : {}),
              ...(opts.requireToken ? { requireTokenForPredict: true } : {}),
              missingFeatures: opts.missingFeatures,
              ...(opts.protectMetrics ? { requireTokenForMetrics: true } : {}),
              connections: {
                // The default headers timeout follows a shorter --request-timeout; one given
                // explicitly over it is refused.
                headersTimeoutMs:
                  cmd.getOptionValueSource('headersTimeout') === 'default'
                    ? Math.min(opts.headersTimeout, opts.requestTimeout)
                    : opts.headersTimeout,
                requestTimeoutMs: opts.requestTimeout,
                keepAliveTimeoutMs: opts.keepAliveTimeout,
                maxConnections: opts.maxConnections,
              },
            })
            let info: ListenInfo
            try {
              await server.ready()
              info = await server.listen({ port: opts.port, hostname: opts.host })
            } catch (e) {
              // Nothing is served: release the log, the cache and the stores before failing.
              await server.close()
              await eventLog?.close()
              await stores.close()
              throw e
            }
            out.result({ url: info.url, models: refs }, () =>
              [
                `serving ${refs.map((r) => r.model).join(', ')} on ${info.url}`,
                `  POST ${info.url}/v1/models/${refs[0]!.model}/predict   {"rows": [{…}]}`,
                `  POST ${info.url}/v2/models/${refs[0]!.model}/infer     (Open Inference Protocol)`,
                `  GET  ${info.url}/healthz  /readyz  /metrics  /openapi.json`,
                'Ctrl-C stops (in-flight requests finish, the event log is flushed)',
              ].join('\n'),
            )
            await new Promise<void>((done) => {
              const stop = (): void => {
                process.off('SIGINT', stop)
                process.off('SIGTERM', stop)
                void server
                  .close()
                  .then(() => eventLog?.close())
                  .then(() => stores.close())
                  .finally(done)
              }
              process.on('SIGINT', stop)
              process.on('SIGTERM', stop)
            })
          })
        },
      ),
  )
}
