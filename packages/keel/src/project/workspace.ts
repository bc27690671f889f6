/**
 * A workspace: the folder where a project keeps its state (`.keel/` by default) and every backend
 * URL that state lives at, resolved once from the config and the environment. Domain code opens
 * stores through {@link openProjectStores} and {@link openProjectEventLog} and never looks at URLs
 * or variables itself.
 */
import { join, resolve } from 'node:path'
import { openEventLog, type EventLog } from '../stores/events/index.js'
import {
  createPredictionCache,
  openOnlineStore,
  openStores,
  type KeelStores,
  type OnlineStore,
  type PredictionCache,
} from '../stores/index.js'
import { readKeelEnv, type KeelEnv } from './env.js'
import type { Project } from './load.js'

/** Where a workspace lives: a project's root and state folder. */
export interface WorkspacePaths {
  /** The project root; relative paths resolve against it. */
  readonly root: string
  /** The workspace folder (absolute), `<root>/.keel` by default. */
  readonly workspace: string
}

/** Every backend of a workspace, as URLs. */
export interface WorkspaceBackends {
  /** The metadata database: `sqlite:<workspace>/keel.db` by default, or `postgres://…`. */
  readonly databaseUrl: string
  /** The content-addressed artifact folder. */
  readonly artifactRoot: string
  /** The event log URL; undefined means the embedded SQLite log at `<root>/.keel/events.db`. */
  readonly eventsUrl: string | undefined
  /** The online key-value store URL (`redis://…`); undefined means the embedded SQLite store. */
  readonly onlineStoreUrl: string | undefined
  /** The prediction service's bearer token, if one is set. */
  readonly serveToken: string | undefined
}

/** The workspace of a folder that has no config file: `<cwd>/.keel`. */
export const workspaceOf = (cwd: string): WorkspacePaths => ({
  root: resolve(cwd),
  workspace: resolve(cwd, '.keel'),
})

/**
 * Resolve a workspace's backends: the project config first (`store.databaseUrl`), then the
 * environment (`KEEL_DATABASE_URL`, `KEEL_EVENTS`, `KEEL_ONLINE_STORE`, `KEEL_SERVE_TOKEN`), then the
 * embedded defaults, which need nothing installed or running.
 */
export const resolveBackends = (
  paths: WorkspacePaths,
  options: { readonly databaseUrl?: string | undefined; readonly env?: KeelEnv } = {},
): WorkspaceBackends => {
  const env = options.env ?? readKeelEnv()
  const databaseUrl = options.databaseUrl || env.databaseUrl
  return {
    databaseUrl: databaseUrl ?? `sqlite:${paths.workspace}/keel.db`,
    artifactRoot: join(paths.workspace, 'artifacts'),
    eventsUrl: env.events,
    onlineStoreUrl: env.onlineStore,
    serveToken: env.serveToken,
  }
}

/** The backends of a loaded project. */
export const projectBackends = (project: Project, env?: KeelEnv): WorkspaceBackends =>
  resolveBackends(project, {
    databaseUrl: project.config.store.databaseUrl,
    ...(env ? { env } : {}),
  })

/** Open the metadata, artifact, tracking and registry stores of a workspace. */
export const openWorkspaceStores = (
  paths: WorkspacePaths,
  backends: WorkspaceBackends = resolveBackends(paths),
): Promise<KeelStores> =>
  openStores({ url: backends.databaseUrl, dir: paths.root, artifactRoot: backends.artifactRoot })

/** Open the stores of a loaded project (its config, then `KEEL_DATABASE_URL`, then SQLite). */
export const openProjectStores = (project: Project): Promise<KeelStores> =>
  openWorkspaceStores(project, projectBackends(project))

/**
 * Open a workspace's event log: an explicit URL (`--events`), else `KEEL_EVENTS`, else the embedded
 * SQLite log at `<root>/.keel/events.db`.
 */
export const openProjectEventLog = (
  paths: Pick<WorkspacePaths, 'root'>,
  url?: string,
  env: KeelEnv = readKeelEnv(),
): Promise<EventLog> => {
  const chosen = url ?? env.events
  return openEventLog({ workspace: paths.root, ...(chosen === undefined ? {} : { url: chosen }) })
}

/**
 * Open a workspace's online key-value store: an explicit URL, else `KEEL_ONLINE_STORE`, else the
 * embedded SQLite store under `<root>/.keel/`.
 */
export const openProjectOnlineStore = (
  paths: Pick<WorkspacePaths, 'root'>,
  url?: string,
  env: KeelEnv = readKeelEnv(),
  options: { readonly commandTimeoutMs?: number } = {},
): Promise<OnlineStore> => {
  const chosen = url ?? env.onlineStore
  return openOnlineStore({
    workspace: paths.root,
    ...(chosen === undefined ? {} : { url: chosen }),
    ...options,
  })
}

/**
 * The prediction cache `keel serve` uses: on the online store `KEEL_ONLINE_STORE` names, or none
 * when it is unset (a cache is worth its lookups only where predictions repeat, so it is opt-in).
 */
export const openProjectPredictionCache = async (
  paths: Pick<WorkspacePaths, 'root'>,
  env: KeelEnv = readKeelEnv(),
): Promise<PredictionCache | undefined> =>
  env.onlineStore === undefined
    ? undefined
    : createPredictionCache(await openProjectOnlineStore(paths, env.onlineStore, env))
