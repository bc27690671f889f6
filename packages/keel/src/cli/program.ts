import { Command, type OutputConfiguration } from 'commander'
import { KEEL_VERSION } from '../version.js'
import { registerCommands } from './commands/index.js'

/** Options for embedding the program (tests run it in-process). */
export interface ProgramOptions {
  /** Throw instead of calling `process.exit` on parse errors and `--help`. */
  readonly exitOverride?: boolean
  readonly output?: OutputConfiguration
}

/** The `keel` command-line program. Settings are applied before commands are added, so they inherit. */
export const createProgram = (options: ProgramOptions = {}): Command => {
  const program = new Command('keel')
    .description('Keel: build, ship and keep alive production machine-learning systems.')
    .version(KEEL_VERSION)
    // Program options only before the command: `keel monitor m --version 2` is the command's own
    // option (a model version), not Keel's version.
    .enablePositionalOptions()
    .showHelpAfterError('(run with --help for usage)')
    .configureHelp({ sortSubcommands: true })
  if (options.exitOverride) program.exitOverride()
  if (options.output) program.configureOutput(options.output)
  registerCommands(program)
  return program
}
