import type { Command } from 'commander'
import { ERROR_CODES } from '@keel/core'
import { registerConfig } from './config.js'
import { registerData } from './data.js'
import { registerInit } from './init.js'
import { registerDemo } from './demo/command.js'
import { registerTrain } from './train.js'
import { registerServe } from './serve.js'
import { registerPredict } from './predict.js'
import { registerRuns } from './runs.js'
import { registerModels } from './models.js'
import { registerEvaluate } from './evaluate.js'
import { registerMonitor } from './monitor.js'
import { registerEvents } from './events.js'
import { registerFeatures } from './features.js'

const exitCodeHelp = (): string => {
  const rows = Object.entries(ERROR_CODES).map(
    ([code, e]) => `  ${String(e.exit).padStart(3)}  ${code.padEnd(22)} ${e.summary}`,
  )
  return [
    '',
    'Exit codes:',
    '    0  OK',
    ...rows,
    '',
    'Model references (every command, the server and the monitor):',
    '  name          the version the production alias points at',
    '  name@3        version 3',
    '  name:staging  the version an alias points at (name:latest: the newest version)',
    '',
    'Environment:',
    '  KEEL_DATABASE_URL   postgres://… for the metadata store (default: SQLite under .keel/)',
    '  KEEL_EVENTS         nats://… or sqlite:path for the prediction/label event log (default: .keel/events.db)',
    '  KEEL_ONLINE_STORE   redis://… or sqlite:path: keel serve caches predictions there (default: no cache)',
    "  KEEL_SERVE_TOKEN    bearer token of keel serve's feedback and admin endpoints (or --token)",
    '  KEEL_LOG_LEVEL      log level on stderr (default: warn); readable lines, JSON lines with --json',
    '  KEEL_DEBUG          print stack traces for internal errors',
    '',
  ].join('\n')
}

/** Every command module registers itself on the root program here. */
export const registerCommands = (program: Command): void => {
  program.addHelpText('after', exitCodeHelp())
  registerInit(program)
  registerDemo(program)
  registerTrain(program)
  registerServe(program)
  registerPredict(program)
  registerRuns(program)
  registerModels(program)
  registerEvaluate(program)
  registerMonitor(program)
  registerEvents(program)
  registerFeatures(program)
  registerData(program)
  registerConfig(program)
}
