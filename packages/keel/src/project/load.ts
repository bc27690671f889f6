import { existsSync } from 'node:fs'
import { dirname, isAbsolute, join, resolve } from 'node:path'
import { fileURLToPath, pathToFileURL } from 'node:url'
import { KeelError } from '@keel/core'
import { configIssues } from './config-issues.js'
import { projectSchema, type ProjectConfig } from './schema.js'

/** This package's entry file (compiled `index.js`, or `index.ts` when running from source). */
const selfEntry = (): string => {
  const js = fileURLToPath(new URL('../index.js', import.meta.url))
  return existsSync(js) ? js : fileURLToPath(new URL('../index.ts', import.meta.url))
}

/** Config file names looked for, in order. */
export const CONFIG_FILES = [
  'keel.config.ts',
  'keel.config.mts',
  'keel.config.js',
  'keel.config.mjs',
] as const

/** A loaded project: the validated config and where it lives. */
export interface Project {
  readonly config: ProjectConfig
  /** Absolute path of the config file. */
  readonly file: string
  /** The project root (the config file's folder); relative paths resolve against it. */
  readonly root: string
  /** Absolute path of the workspace folder (`.keel` by default). */
  readonly workspace: string
}

/** Find the config file: an explicit path, or the first known name in `cwd` or its parents. */
export const findConfig = (cwd: string, explicit?: string): string => {
  if (explicit !== undefined) {
    const p = isAbsolute(explicit) ? explicit : resolve(cwd, explicit)
    if (!existsSync(p))
      throw new KeelError('FILE_NOT_FOUND', `config file not found: ${p}`, { path: [p] })
    return p
  }
  let dir = resolve(cwd)
  for (;;) {
    for (const name of CONFIG_FILES) {
      const p = join(dir, name)
      if (existsSync(p)) return p
    }
    const up = dirname(dir)
    if (up === dir) break
    dir = up
  }
  throw new KeelError(
    'FILE_NOT_FOUND',
    `no keel.config.ts found in ${resolve(cwd)} or its parents`,
    {
      hint: 'run `keel init <data file>` to create one',
    },
  )
}

/**
 * Validate a raw config object; `INVALID_CONFIG` with one issue per problem, each named by its full
 * path (`candidates[0] (gbdt).params`), a misspelt key or option with what it most likely meant.
 */
export const parseProject = (raw: unknown, file = 'keel.config.ts'): ProjectConfig => {
  const r = projectSchema.safeParse(raw)
  if (r.success) return r.data
  const named = configIssues(projectSchema, raw, r.error.issues)
  const lines = named.map((i) => `  ${i.where}: ${i.message}`)
  throw new KeelError('INVALID_CONFIG', `${file} is not valid:\n${lines.join('\n')}`, {
    issues: named.map(({ where: _, ...i }) => i),
    path: [file],
  })
}

/**
 * Load and validate the project config. TypeScript configs are loaded with jiti (no build step);
 * a syntax or runtime error in the file is reported as `INVALID_CONFIG` naming the file.
 */
export const loadProject = async (
  options: { cwd?: string; config?: string } = {},
): Promise<Project> => {
  const file = findConfig(options.cwd ?? process.cwd(), options.config)
  let mod: unknown
  try {
    const { createJiti } = await import('jiti')
    // `import { defineProject } from 'keel'` in a config resolves to this very build of Keel, so
    // a project needs no separate install and never mixes two copies.
    const jiti = createJiti(pathToFileURL(file).href, {
      moduleCache: false,
      fsCache: false,
      alias: { keel: selfEntry() },
    })
    mod = await jiti.import(file, { default: true })
  } catch (e) {
    throw new KeelError('INVALID_CONFIG', `could not load ${file}: ${(e as Error).message}`, {
      path: [file],
      cause: e,
    })
  }
  const config = parseProject(mod, file)
  const root = dirname(file)
  return { config, file, root, workspace: resolve(root, config.store.dir) }
}
