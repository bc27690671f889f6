/**
 * The README's "Your own data" flow as a new user runs it: Keel packed into tarballs (`npm pack`),
 * installed into a folder outside the repository, then `keel init` → `train` → `predict` there.
 */
import { spawnSync, type SpawnSyncReturns } from 'node:child_process'
import {
  cpSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  readdirSync,
  rmSync,
  writeFileSync,
} from 'node:fs'
import { createRequire } from 'node:module'
import { tmpdir } from 'node:os'
import { dirname, join, resolve } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { createRng } from '@keel/core'

const repo = resolve(import.meta.dirname, '../../../..')
const base = mkdtempSync(join(tmpdir(), 'keel-outside-'))
afterAll(() => rmSync(base, { recursive: true, force: true }))

const run = (cmd: string, args: readonly string[], cwd: string): SpawnSyncReturns<string> => {
  const r = spawnSync(cmd, args, {
    cwd,
    encoding: 'utf8',
    // Nothing of the repository's environment: no KEEL_* backends, no workspace hints.
    env: { PATH: process.env['PATH'], HOME: process.env['HOME'], TZ: 'UTC', CI: 'true' },
    maxBuffer: 64 * 1024 * 1024,
  })
  if (r.error) throw r.error
  return r
}

const ok = (r: SpawnSyncReturns<string>, what: string): string => {
  expect(r.status, `${what}\n${r.stderr}`).toBe(0)
  return r.stdout
}

/** A churn-like table with a learnable label; `withLabel: false` for rows to score. */
const customers = (n: number, seed: number, withLabel: boolean): string => {
  const rng = createRng(seed)
  const lines = [withLabel ? 'id,age,plan,income,churned' : 'id,age,plan,income']
  for (let i = 0; i < n; i++) {
    const age = 18 + rng.int(60)
    const plan = ['basic', 'pro', 'team'][rng.int(3)]!
    const income = 20000 + rng.int(100000)
    const p = 1 / (1 + Math.exp(-(0.05 * (40 - age) + (plan === 'basic' ? 1 : -0.5))))
    const row = `${i},${age},${plan},${income}`
    lines.push(withLabel ? `${row},${rng.float() < p}` : row)
  }
  return `${lines.join('\n')}\n`
}

// Packing needs the built dist/ (CI builds it in its typecheck step) and the npm registry or npm's
// cache for Keel's dependencies; it runs in CI (CI=true), where both hold.
describe.skipIf(!process.env['CI'])(
  'keel installed from packed tarballs, outside the repository',
  () => {
    it('runs keel init → train → predict on a folder of its own', () => {
      const packs = join(base, 'packs')
      mkdirSync(packs)
      ok(
        run(
          'npm',
          ['pack', '-w', 'packages/core', '-w', 'packages/keel', '--pack-destination', packs],
          repo,
        ),
        'npm pack',
      )
      const tarballs = readdirSync(packs).sort()
      expect(tarballs).toEqual(['keel-0.1.0.tgz', 'keel-core-0.1.0.tgz'])

      const app = join(base, 'my-project')
      mkdirSync(join(app, 'data'), { recursive: true })
      writeFileSync(join(app, 'package.json'), '{ "name": "my-project", "private": true }\n')
      // Both tarballs together: keel depends on @keel/core at the same version. Install scripts are
      // skipped and better-sqlite3's native build is copied from the repository's install of the
      // same locked version: compiling SQLite takes minutes, and it is not what this test checks.
      ok(
        run(
          'npm',
          [
            'install',
            '--no-audit',
            '--no-fund',
            '--prefer-offline',
            '--ignore-scripts',
            ...tarballs.map((t) => join(packs, t)),
          ],
          app,
        ),
        'npm install',
      )
      const require = createRequire(join(repo, 'packages/keel/package.json'))
      const sqliteHere = dirname(require.resolve('better-sqlite3/package.json'))
      const sqliteThere = join(app, 'node_modules/better-sqlite3')
      const version = (dir: string): string =>
        (JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as { version: string }).version
      expect(version(sqliteThere)).toBe(version(sqliteHere))
      cpSync(join(sqliteHere, 'build'), join(sqliteThere, 'build'), { recursive: true })

      const keel = join(app, 'node_modules/.bin/keel')
      writeFileSync(join(app, 'data/customers.csv'), customers(400, 1, true))
      writeFileSync(join(app, 'new.csv'), customers(25, 2, false))

      const init = JSON.parse(
        ok(
          run(
            keel,
            ['init', 'data/customers.csv', '--label', 'churned', '--name', 'churn', '--json'],
            app,
          ),
          'keel init',
        ),
      ) as { file: string; task: string }
      expect(init).toMatchObject({ file: join(app, 'keel.config.ts'), task: 'binary' })

      const train = JSON.parse(ok(run(keel, ['train', '--json'], app), 'keel train')) as {
        bundle: { model: string; version: number }
      }
      expect(train.bundle).toMatchObject({ model: 'churn', version: 1 })

      ok(
        run(keel, ['predict', '-m', 'churn@1', '-i', 'new.csv', '-o', 'scored.csv', '--json'], app),
        'keel predict',
      )
      const scored = readFileSync(join(app, 'scored.csv'), 'utf8').trim().split('\n')
      expect(scored).toHaveLength(26)
    }, 600_000)
  },
)
