import { existsSync, mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { labelEvent, predictionEvent } from '../../stores/conformance/event-fixtures.js'
import { readEvents } from '../../stores/events/index.js'
import { openSqliteEventLog, sqliteEventLogPath } from '../../stores/events/sqlite-event-log.js'
import { runCli } from '../test-support/run-cli.js'

const DAY = 86_400_000
const dirs: string[] = []
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true })
})

/** A bare workspace whose embedded log holds old, labelled and waiting predictions. */
const workspace = async (): Promise<string> => {
  const dir = mkdtempSync(join(tmpdir(), 'keel-events-cli-'))
  dirs.push(dir)
  const log = openSqliteEventLog(sqliteEventLogPath(dir))
  const now = Date.now()
  await log.append([
    predictionEvent('old', 0, now - 60 * DAY),
    labelEvent('old-label', now - 59 * DAY, { predictionId: 'old:0' }),
    predictionEvent('waiting', 0, now - 20 * DAY),
    predictionEvent('new', 0, now - DAY),
  ])
  await log.close()
  return dir
}

const ids = async (dir: string): Promise<string[]> => {
  const log = openSqliteEventLog(sqliteEventLogPath(dir))
  const out: string[] = []
  for await (const e of readEvents(log)) out.push(e.id)
  await log.close()
  return out
}

describe('keel events prune', () => {
  it('dry run reports and changes nothing; a real run archives, removes and keeps waiting predictions', async () => {
    const dir = await workspace()
    const dry = await runCli([
      'events',
      'prune',
      '--max-age',
      '10d',
      '--dry-run',
      '-C',
      dir,
      '--json',
    ])
    expect(dry.code).toBe(0)
    expect(JSON.parse(dry.stdout)).toMatchObject({
      dryRun: true,
      removed: 0,
      keptForLabels: 1,
      expiring: { events: 2, predictions: 1, labels: 1 },
      archive: null,
    })
    expect(await ids(dir)).toEqual(['old:0', 'old-label', 'waiting:0', 'new:0'])

    const run = await runCli(['events', 'prune', '--max-age', '10d', '-C', dir, '--json'])
    expect(run.code).toBe(0)
    const r = JSON.parse(run.stdout) as {
      removed: number
      archive: { file: string; events: number }
    }
    expect(r.removed).toBe(2)
    expect(r.archive.events).toBe(2)
    expect(r.archive.file.startsWith(join(dir, '.keel', 'archive'))).toBe(true)
    expect(existsSync(r.archive.file)).toBe(true)
    expect(await ids(dir)).toEqual(['waiting:0', 'new:0'])

    // A shorter horizon lets the waiting prediction go (and --no-export archives nothing).
    const again = await runCli([
      'events',
      'prune',
      '--max-age',
      '10d',
      '--label-horizon',
      '7d',
      '--no-export',
      '-C',
      dir,
      '--json',
    ])
    expect(JSON.parse(again.stdout)).toMatchObject({ removed: 1, archive: null, keptForLabels: 0 })
    expect(await ids(dir)).toEqual(['new:0'])
  })

  it('refuses a run without a bound (exit 2) and changes nothing', async () => {
    const dir = await workspace()
    const r = await runCli(['events', 'prune', '-C', dir, '--json'])
    expect(r.code).toBe(2)
    expect(JSON.parse(r.stdout).error.code).toBe('INVALID_ARGUMENT')
    expect(await ids(dir)).toHaveLength(4)
  })
})
