/**
 * The one place Keel reads its environment variables. Everything else takes these values as
 * options, so a library caller can pass them explicitly and a test never has to touch
 * `process.env`.
 */

/** The `KEEL_*` variables, by what they configure. */
export const KEEL_ENV_VARS = {
  databaseUrl: 'KEEL_DATABASE_URL',
  events: 'KEEL_EVENTS',
  onlineStore: 'KEEL_ONLINE_STORE',
  serveToken: 'KEEL_SERVE_TOKEN',
  logLevel: 'KEEL_LOG_LEVEL',
  debug: 'KEEL_DEBUG',
} as const

/** What the environment says, with empty values read as unset. */
export interface KeelEnv {
  /** `KEEL_DATABASE_URL`: the metadata database (runs, registry, deployments). */
  readonly databaseUrl?: string
  /** `KEEL_EVENTS`: the event log (prediction and label events). */
  readonly events?: string
  /** `KEEL_ONLINE_STORE`: the online key-value store (prediction cache, online features). */
  readonly onlineStore?: string
  /** `KEEL_SERVE_TOKEN`: the bearer token of the prediction service's write and admin endpoints. */
  readonly serveToken?: string
  /** `KEEL_LOG_LEVEL`: the structured logger's level. */
  readonly logLevel?: string
  /** `KEEL_DEBUG`: print stack traces of internal errors. */
  readonly debug: boolean
}

/** Read the `KEEL_*` variables (from `process.env` unless another environment is given). */
export const readKeelEnv = (env: NodeJS.ProcessEnv = process.env): KeelEnv => {
  const get = (name: string): string | undefined => {
    const v = env[name]
    return v === undefined || v === '' ? undefined : v
  }
  const out: { -readonly [K in keyof KeelEnv]?: KeelEnv[K] } = {
    debug: get(KEEL_ENV_VARS.debug) !== undefined,
  }
  const set = (key: Exclude<keyof KeelEnv, 'debug'>, name: string): void => {
    const v = get(name)
    if (v !== undefined) out[key] = v
  }
  set('databaseUrl', KEEL_ENV_VARS.databaseUrl)
  set('events', KEEL_ENV_VARS.events)
  set('onlineStore', KEEL_ENV_VARS.onlineStore)
  set('serveToken', KEEL_ENV_VARS.serveToken)
  set('logLevel', KEEL_ENV_VARS.logLevel)
  return out as KeelEnv
}
