import { mkdtempSync, readFileSync, realpathSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { loadProject } from '../../../project/index.js'
import { runKeel } from '../../test-support/run-cli.js'
import { DEMO_CONFIG_MARK, writeDemoConfig } from './demo-workspace.js'
import { findFlightsExample } from './flights-example.js'
import { demoNextSteps, renderNextSteps } from './render-demo.js'
import type { DemoResult } from './run-demo.js'

// Outside the repository on purpose: the written config must not depend on where it sits.
const base = realpathSync(mkdtempSync(join(tmpdir(), 'keel-demo-workspace-')))
afterAll(() => rmSync(base, { recursive: true, force: true }))

describe("the demo's folder", () => {
  it('gets a keel.config.ts that loads the flights example, rooted in that folder', async () => {
    const dir = join(base, 'fresh')
    const example = findFlightsExample()
    expect(writeDemoConfig(dir, example)).toEqual({
      file: join(dir, 'keel.config.ts'),
      status: 'written',
    })
    const text = readFileSync(join(dir, 'keel.config.ts'), 'utf8')
    expect(text.startsWith(DEMO_CONFIG_MARK)).toBe(true)
    expect(text).toMatch(
      /^export \{ default \} from "\.\.\/.*examples\/flights\/keel\.config\.ts"$/m,
    )
    const project = await loadProject({ cwd: dir })
    expect(project.config.name).toBe('flights')
    expect(project.workspace).toBe(join(dir, '.keel'))
    // Rewriting its own file is fine; it is the same text.
    expect(writeDemoConfig(dir, example).status).toBe('written')
    expect(readFileSync(join(dir, 'keel.config.ts'), 'utf8')).toBe(text)
  })

  it('keeps a config the demo did not write, in any of the config file names', () => {
    const dir = join(base, 'taken')
    writeDemoConfig(dir, findFlightsExample())
    writeFileSync(join(dir, 'keel.config.js'), 'export default {}\n')
    writeFileSync(join(dir, 'keel.config.ts'), '// mine\nexport default {}\n')
    expect(writeDemoConfig(dir, findFlightsExample())).toEqual({
      file: join(dir, 'keel.config.ts'),
      status: 'kept',
    })
    expect(readFileSync(join(dir, 'keel.config.ts'), 'utf8')).toBe('// mine\nexport default {}\n')
  })

  it('is a project the suggested commands run in (no more "no keel.config.ts found")', async () => {
    const dir = join(base, 'listed')
    const before = await runKeel(['runs', 'list', '-C', dir, '--json'])
    expect((before.json as { error: { code: string } }).error.code).toBe('FILE_NOT_FOUND')
    writeDemoConfig(dir, findFlightsExample())
    // An empty workspace here; a full demo run takes minutes, and the commands read the workspace
    // the same way whatever it holds.
    for (const args of [
      ['runs', 'list'],
      ['models', 'list'],
    ]) {
      const r = await runKeel([...args, '-C', dir, '--json'])
      expect(r.code, args.join(' ')).toBe(0)
      expect(r.stderr, args.join(' ')).toBe('')
    }
  }, 300_000)

  it('suggests commands that name what exists: production when promoted, else the version', () => {
    const result = (promoted: boolean, replay: boolean): DemoResult =>
      ({
        workspace: join(base, 'x', '.keel'),
        config: { file: join(base, 'x', 'keel.config.ts'), status: 'written' },
        promotion: { model: 'flights', version: 2, alias: 'production', promoted },
        replay: replay ? {} : null,
      }) as unknown as DemoResult
    const commands = (r: DemoResult): string[] => demoNextSteps(r).map((s) => s.command)
    expect(commands(result(true, true))).toEqual([
      'keel runs list',
      'keel models list',
      'keel serve',
      'keel monitor report',
    ])
    expect(commands(result(false, true))).toEqual([
      'keel runs list',
      'keel models list',
      'keel serve flights@2',
      'keel monitor report flights@2',
    ])
    expect(commands(result(true, false))).not.toContain('keel monitor report')
    const here = result(true, false)
    expect(renderNextSteps(here, demoNextSteps(here), join(base, 'x'))).not.toContain('cd ')
    expect(renderNextSteps(here, demoNextSteps(here), base)).toContain('\n  cd x\n')
  })
})
