import { Option, type Command } from 'commander'
import type { GlobalOptions } from './output.js'

/** Add the options every command shares. */
export const withGlobalOptions = (cmd: Command): Command =>
  cmd
    .addOption(new Option('--json', 'print one JSON document on stdout instead of text'))
    .addOption(new Option('-q, --quiet', 'no progress on stderr'))
    .addOption(
      new Option(
        '-c, --config <file>',
        'project config file (default: keel.config.ts, searched upwards)',
      ),
    )
    .addOption(new Option('-C, --cwd <dir>', 'run as if started in <dir>'))

/** The global options of a parsed command. */
export const globalOptions = (cmd: Command): GlobalOptions => {
  const o = cmd.optsWithGlobals<GlobalOptions & Record<string, unknown>>()
  return {
    ...(o.json === undefined ? {} : { json: o.json }),
    ...(o.quiet === undefined ? {} : { quiet: o.quiet }),
    ...(o.config === undefined ? {} : { config: o.config }),
    ...(o.cwd === undefined ? {} : { cwd: o.cwd }),
  }
}
