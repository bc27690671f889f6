/**
 * Reads the golden fixtures written by `scripts/fixtures/transform.py`. Tests are Node-only, so the
 * file system is fine here; the fixture path is resolved from this file.
 */
// eslint-disable-next-line no-restricted-imports -- test support runs under Node only
import { readFileSync } from 'node:fs'

/** Parsed JSON of `test/fixtures/transform/<name>`. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- fixture shapes are checked by the tests
export const fixture = (name: string): any =>
  JSON.parse(
    readFileSync(
      new URL(`../../../../../test/fixtures/transform/${name}`, import.meta.url),
      'utf8',
    ),
  )
