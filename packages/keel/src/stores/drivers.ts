/**
 * Loading database drivers on demand. The embedded path must never load `pg`, and a PostgreSQL-only
 * deployment must not need the native `better-sqlite3` build, so each dialect imports its driver the
 * first time it is used and turns "not installed" into a MISSING_DEPENDENCY error with the command
 * that fixes it.
 */
import { KeelError } from '@keel/core'

/** Imports a module by name; replaceable in tests to simulate a missing package. */
export type ModuleImporter = (name: string) => Promise<unknown>

// A function (not a literal `import('pg')` at each call site) so that bundlers and tests can swap it.
const defaultImporter: ModuleImporter = (name) => import(name)

const isModuleNotFound = (e: unknown, name: string): boolean => {
  if (typeof e !== 'object' || e === null) return false
  const code = (e as { code?: unknown }).code
  const message = String((e as { message?: unknown }).message ?? '')
  return (
    (code === 'ERR_MODULE_NOT_FOUND' || code === 'MODULE_NOT_FOUND') &&
    (message.includes(`'${name}'`) || message.includes(`"${name}"`))
  )
}

/**
 * Import the optional package `name` (needed for `purpose`), or throw MISSING_DEPENDENCY with an
 * install hint. Errors other than "package not found" (a broken install) propagate unchanged.
 */
export const importOptional = async (
  name: string,
  purpose: string,
  importer: ModuleImporter = defaultImporter,
): Promise<unknown> => {
  try {
    return await importer(name)
  } catch (e) {
    if (!isModuleNotFound(e, name)) throw e
    throw new KeelError('MISSING_DEPENDENCY', `${purpose} needs the "${name}" package`, {
      hint: `npm install ${name}`,
      details: { package: name },
      cause: e,
    })
  }
}

/** The default export of an ES module namespace or a CommonJS module imported through ESM. */
export const defaultExport = <T>(mod: unknown): T =>
  ((mod as { default?: unknown }).default ?? mod) as T
