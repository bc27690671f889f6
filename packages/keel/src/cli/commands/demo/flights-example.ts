/**
 * Where `keel demo` finds its project: `examples/flights/keel.config.ts`, the one flights project
 * definition, reached through the workspace package `@keel/example-flights` (a link into the
 * repository's `examples/flights`). It exists only in a clone of the Keel repository; `keel`
 * installed from npm does not ship it.
 */
import { createRequire } from 'node:module'
import { isAbsolute, resolve } from 'node:path'
import { KeelError } from '@keel/core'
import { loadProject, type Project } from '../../../project/index.js'

/** The example's config file, as a package specifier. */
export const FLIGHTS_EXAMPLE = '@keel/example-flights/keel.config.ts'

/** Resolves a package specifier to a file path, as `require.resolve` does. */
export type ExampleResolver = (specifier: string) => string

const isModuleNotFound = (e: unknown): boolean => {
  const code = typeof e === 'object' && e !== null ? (e as { code?: unknown }).code : undefined
  return code === 'MODULE_NOT_FOUND' || code === 'ERR_PACKAGE_PATH_NOT_EXPORTED'
}

/**
 * The absolute path of the example's config file, or FILE_NOT_FOUND explaining that the demo runs
 * from a clone of the Keel repository. `resolveModule` is replaceable for tests.
 */
export const findFlightsExample = (
  resolveModule: ExampleResolver = createRequire(import.meta.url).resolve,
): string => {
  try {
    return resolveModule(FLIGHTS_EXAMPLE)
  } catch (e) {
    if (!isModuleNotFound(e)) throw e
    throw new KeelError(
      'FILE_NOT_FOUND',
      'keel demo runs the flights example of the Keel repository, which is not installed here',
      {
        hint: 'clone the Keel repository, then run `npm ci && npx keel demo` inside it',
        details: { example: FLIGHTS_EXAMPLE },
        cause: e,
      },
    )
  }
}

/** A file source's relative path made absolute against `dir`; other sources as they are. */
const anchored = <S extends object>(source: S, dir: string): S =>
  'path' in source && typeof source.path === 'string' && !isAbsolute(source.path)
    ? { ...source, path: resolve(dir, source.path) }
    : source

/**
 * The flights example loaded by the ordinary project loader, then rooted at `root`: its workspace
 * is `<root>/<store.dir>` (`.keel`), where the demo says it is, while relative source paths keep
 * meaning files beside the example.
 */
export const loadFlightsExample = async (
  root: string,
  resolveModule?: ExampleResolver,
): Promise<Project> => {
  const loaded = await loadProject({ config: findFlightsExample(resolveModule) })
  const sources = Object.fromEntries(
    Object.entries(loaded.config.sources).map(([name, s]) => [name, anchored(s, loaded.root)]),
  )
  const r = resolve(root)
  return {
    ...loaded,
    config: { ...loaded.config, sources },
    root: r,
    workspace: resolve(r, loaded.config.store.dir),
  }
}
