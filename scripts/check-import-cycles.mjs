#!/usr/bin/env node
/**
 * Fails when a module of Keel's source imports itself through a chain of other modules (type-only
 * imports included: a type shared by two files lives in a third). Run by `npm run lint`.
 *
 *   node scripts/check-import-cycles.mjs [root ...]     (default: packages/*\/src, bench)
 *
 * It reads relative import and export specifiers (static and `import()`), resolves `./x.js` to
 * `./x.ts`, and reports every strongly connected component with more than one module, or a module
 * that imports itself, as a cycle with the files in it. Tests are left out: a test may import what
 * it likes.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs'
import { dirname, join, relative, resolve } from 'node:path'

const repo = resolve(dirname(new URL(import.meta.url).pathname), '..')
const roots = process.argv.slice(2)
const defaults = readdirSync(join(repo, 'packages')).map((p) => join('packages', p, 'src'))
const dirs = (roots.length > 0 ? roots : [...defaults, 'bench']).map((d) => resolve(repo, d))

const isSource = (f) => /\.(ts|mts)$/.test(f) && !/\.test\.ts$/.test(f) && !f.endsWith('.d.ts')
const walk = (d, out) => {
  if (!existsSync(d)) return out
  for (const e of readdirSync(d, { withFileTypes: true })) {
    if (e.name === 'node_modules' || e.name === 'dist' || e.name === 'fixtures') continue
    const p = join(d, e.name)
    if (e.isDirectory()) walk(p, out)
    else if (isSource(p)) out.push(p)
  }
  return out
}
const files = dirs.flatMap((d) => walk(d, []))
const known = new Set(files)

// Comments are stripped first so an example in a doc comment is not an import.
const stripComments = (s) =>
  s.replace(/\/\*[\s\S]*?\*\//g, '').replace(/(^|[^:'"`])\/\/.*$/gm, '$1')
const SPEC = /(?:\bfrom\s*|\bimport\s*\(\s*|\bimport\s+)(['"])(\.{1,2}\/[^'"]+)\1/g

const graph = new Map()
for (const file of files) {
  const text = stripComments(readFileSync(file, 'utf8'))
  const deps = new Set()
  for (const m of text.matchAll(SPEC)) {
    let target = resolve(dirname(file), m[2])
    if (target.endsWith('.js')) target = target.slice(0, -3) + '.ts'
    if (known.has(target)) deps.add(target)
  }
  graph.set(file, [...deps])
}

// Tarjan's strongly connected components, iterative (deep chains would overflow the stack).
let index = 0
const idx = new Map()
const low = new Map()
const onStack = new Set()
const stack = []
const cycles = []
for (const start of files) {
  if (idx.has(start)) continue
  const work = [[start, 0]]
  idx.set(start, index)
  low.set(start, index++)
  stack.push(start)
  onStack.add(start)
  while (work.length > 0) {
    const frame = work[work.length - 1]
    const [v, i] = frame
    const deps = graph.get(v)
    if (i < deps.length) {
      frame[1]++
      const w = deps[i]
      if (!idx.has(w)) {
        idx.set(w, index)
        low.set(w, index++)
        stack.push(w)
        onStack.add(w)
        work.push([w, 0])
      } else if (onStack.has(w)) low.set(v, Math.min(low.get(v), idx.get(w)))
      continue
    }
    work.pop()
    if (work.length > 0) {
      const parent = work[work.length - 1][0]
      low.set(parent, Math.min(low.get(parent), low.get(v)))
    }
    if (low.get(v) === idx.get(v)) {
      const component = []
      let w
      do {
        w = stack.pop()
        onStack.delete(w)
        component.push(w)
      } while (w !== v)
      if (component.length > 1 || graph.get(v).includes(v)) cycles.push(component)
    }
  }
}

if (cycles.length === 0) {
  console.log(`import cycles: none among ${files.length} modules`)
  process.exit(0)
}
console.error(`import cycles: ${cycles.length} (a module reaches itself through its imports)`)
for (const c of cycles) {
  const names = c.map((f) => relative(repo, f)).sort()
  console.error(`\n  cycle of ${names.length} modules:`)
  for (const n of names) {
    const inCycle = graph
      .get(resolve(repo, n))
      .filter((d) => c.includes(d))
      .map((d) => relative(dirname(resolve(repo, n)), d))
    console.error(`    ${n}  → ${inCycle.join(', ')}`)
  }
}
console.error('\nmove the shared part (often a type) into a third module both can import')
process.exit(1)
