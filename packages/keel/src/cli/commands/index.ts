import type { Command } from 'commander'

/** Every command module registers itself on the root program here. */
export const registerCommands = (_program: Command): void => {}
