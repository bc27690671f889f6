#!/usr/bin/env node
import { Command } from 'commander'
import { KEEL_VERSION } from '../version.js'
import { registerCommands } from './commands/index.js'

const program = new Command('keel')
  .description('Keel: build, ship and keep alive production machine-learning systems.')
  .version(KEEL_VERSION)
  .showHelpAfterError('(run with --help for usage)')
  .configureHelp({ sortSubcommands: true })

registerCommands(program)

await program.parseAsync(process.argv)
