#!/usr/bin/env node
import { Command } from 'commander'
import { KEEL_VERSION } from '../version.js'

const program = new Command('keel')
  .description('Keel: build, ship and keep alive production machine-learning systems.')
  .version(KEEL_VERSION)

await program.parseAsync(process.argv)
