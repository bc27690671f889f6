import type { Command } from 'commander'
import { loadProject } from '../../project/index.js'
import { globalOptions, withGlobalOptions } from '../global.js'
import { runCommand } from '../output.js'

const redact = (value: unknown): unknown => {
  if (typeof value === 'function') return `[function ${value.name || 'anonymous'}]`
  if (typeof value === 'string') return value.replace(/(\w+:\/\/[^:/@]+:)[^@]+@/, '$1****@')
  if (Array.isArray(value)) return value.map(redact)
  if (value && typeof value === 'object') {
    return Object.fromEntries(
      Object.entries(value).map(([k, v]) => [
        k,
        /token|password|secret/i.test(k) ? '****' : redact(v),
      ]),
    )
  }
  return value
}

/** `keel config show`: the resolved project config, secrets redacted. */
export const registerConfig = (program: Command): void => {
  const config = program.command('config').description('inspect the project config')
  withGlobalOptions(
    config
      .command('show')
      .description('print the resolved config (defaults applied, secrets redacted)')
      .action(async (_opts, cmd: Command) => {
        const g = globalOptions(cmd)
        await runCommand(g, async (out) => {
          const project = await loadProject({
            cwd: g.cwd ?? process.cwd(),
            ...(g.config ? { config: g.config } : {}),
          })
          const data = {
            file: project.file,
            workspace: project.workspace,
            config: redact(project.config),
          }
          out.result(data, () => `# ${project.file}\n${JSON.stringify(data.config, null, 2)}`)
        })
      }),
  )
}
