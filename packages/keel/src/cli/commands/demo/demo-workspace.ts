/**
 * The folder `keel demo` leaves behind: its workspace (`.keel`) and a `keel.config.ts` that loads
 * the flights example, so the commands the demo suggests (`keel runs list`, `keel models list`,
 * `keel serve`, `keel monitor report`) find the project and its workspace there.
 */
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs'
import { dirname, join, relative, resolve, sep } from 'node:path'
import { CONFIG_FILES } from '../../../project/index.js'

/** The first line of a config the demo wrote: the demo rewrites such a file, never another one. */
export const DEMO_CONFIG_MARK = '// Written by `keel demo`'

/** What the demo did about its folder's config file. */
export interface DemoConfig {
  /** `<root>/keel.config.ts`. */
  readonly file: string
  /**
   * `written` (new or the demo's own, rewritten), or `kept`: a config the demo did not write was
   * there already (`file` names it), so it was left alone and the commands run that project.
   */
  readonly status: 'written' | 'kept'
}

/** An import specifier for `target` from a module in `fromDir`: relative, with `/` separators. */
const importSpecifier = (fromDir: string, target: string): string => {
  const rel = relative(fromDir, target).split(sep).join('/')
  return rel.startsWith('.') || rel.startsWith('/') ? rel : `./${rel}`
}

/** The text of the demo folder's config: the flights example, re-exported. */
export const demoConfigText = (root: string, exampleFile: string): string =>
  [
    `${DEMO_CONFIG_MARK}: this folder's workspace (.keel) holds the demo's runs, models and reports.`,
    '// The project is the flights example of the Keel repository; copy that file here to change it.',
    `export { default } from ${JSON.stringify(importSpecifier(root, exampleFile))}`,
    '',
  ].join('\n')

/**
 * Write `<root>/keel.config.ts` re-exporting the example at `exampleFile` (a relative import, so the
 * folder keeps working when the clone moves with it). A config file the demo did not write (any of
 * `CONFIG_FILES`) is kept.
 */
export const writeDemoConfig = (root: string, exampleFile: string): DemoConfig => {
  const dir = resolve(root)
  const file = join(dir, 'keel.config.ts')
  for (const name of CONFIG_FILES) {
    const other = join(dir, name)
    if (existsSync(other) && !readFileSync(other, 'utf8').startsWith(DEMO_CONFIG_MARK))
      return { file: other, status: 'kept' }
  }
  mkdirSync(dirname(file), { recursive: true })
  const tmp = `${file}.${process.pid}.tmp`
  writeFileSync(tmp, demoConfigText(dir, exampleFile))
  renameSync(tmp, file)
  return { file, status: 'written' }
}
