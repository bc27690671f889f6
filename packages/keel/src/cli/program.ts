import { Command, CommanderError, type OutputConfiguration } from 'commander'
import { KeelError } from '@keel/core'
import { KEEL_VERSION } from '../version.js'
import { registerCommands } from './commands/index.js'
import { Output } from './output.js'

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
    .configureHelp({ sortSubcommands: true })
  if (options.exitOverride) program.exitOverride()
  if (options.output) program.configureOutput(options.output)
  registerCommands(program)
  return program
}

/** The words of `argv` (after `node keel`) that name a command: `keel data validate x` → `keel data validate`. */
const commandPath = (program: Command, args: readonly string[]): string => {
  const names = [program.name()]
  let cmd = program
  for (const arg of args) {
    if (arg.startsWith('-')) continue
    const sub = cmd.commands.find((c) => c.name() === arg || c.aliases().includes(arg))
    if (!sub) break
    names.push(sub.name())
    cmd = sub
  }
  return names.join(' ')
}

/** A usage error from the option parser as Keel's error: INVALID_ARGUMENT, exit 2. */
const usageError = (e: CommanderError, command: string): KeelError => {
  // Commander's messages read `error: unknown option '--x'` and may add `(Did you mean --y?)`.
  const [first = e.message, ...rest] = e.message.replace(/^error: /, '').split('\n')
  const suggestion = rest.join(' ').trim()
  return new KeelError('INVALID_ARGUMENT', first, {
    details: { command, reason: e.code.replace(/^commander\./, '') },
    hint: `${suggestion ? `${suggestion} ` : ''}run \`${command} --help\` for usage`,
    cause: e,
  })
}

/**
 * Parse `argv` (as `process.argv`: `node`, the script, then the arguments) and run the command.
 * What the parser refuses (an unknown option, a bad option value, a missing argument) is reported
 * like every other error: `INVALID_ARGUMENT`, exit 2, one JSON document on stdout when `--json`
 * appears anywhere in `argv`. Help and `--version` exit 0. Returns the exit code it set.
 */
export const runProgram = async (
  argv: readonly string[],
  options: Omit<ProgramOptions, 'exitOverride'> = {},
): Promise<number> => {
  const program = createProgram({
    ...options,
    exitOverride: true,
    // The parser's own error line is replaced by the structured error below.
    output: { ...options.output, outputError: () => undefined },
  })
  try {
    await program.parseAsync([...argv])
  } catch (e) {
    if (!(e instanceof CommanderError)) throw e
    if (e.code === 'commander.helpDisplayed' || e.code === 'commander.version') {
      process.exitCode = 0
    } else if (e.code === 'commander.help') {
      // `keel` or `keel data` alone: the help was printed on stderr; it is a usage error.
      process.exitCode = 2
    } else {
      const args = argv.slice(2)
      const out = new Output({ json: args.includes('--json'), quiet: true })
      process.exitCode = out.error(usageError(e, commandPath(program, args)))
    }
  }
  return Number(process.exitCode ?? 0)
}
