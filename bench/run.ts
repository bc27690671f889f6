/**
 * Benchmark runner: `npm run bench -- <name> [args]` runs `bench/<name>.ts`.
 * Every benchmark prints, as its last line, one JSON object with its figures.
 */
import { readdirSync } from 'node:fs'
import { fileURLToPath, pathToFileURL } from 'node:url'
import { dirname, join } from 'node:path'

const here = dirname(fileURLToPath(import.meta.url))
const available = readdirSync(here)
  .filter((f) => f.endsWith('.ts') && !['run.ts', 'util.ts'].includes(f) && !f.endsWith('.test.ts'))
  .map((f) => f.slice(0, -3))
  .sort()

const name = process.argv[2]
if (!name || !available.includes(name)) {
  console.error(`usage: npm run bench -- <name> [args]\navailable: ${available.join(', ')}`)
  process.exit(2)
}
await import(pathToFileURL(join(here, `${name}.ts`)).href)
