import { loadProject } from '../../project/index.js'
import { openProjectStores } from '../../project/workspace.js'
import type { KeelStores } from '../../stores/index.js'
import type { GlobalOptions } from '../output.js'

/**
 * Load the project the global options name (`-C`, `--config`) and open its stores for the
 * duration of `body`, closing them however it ends.
 */
export const withProjectStores = async <T>(
  g: GlobalOptions,
  body: (stores: KeelStores) => Promise<T>,
): Promise<T> => {
  const project = await loadProject({
    cwd: g.cwd ?? process.cwd(),
    ...(g.config ? { config: g.config } : {}),
  })
  const stores = await openProjectStores(project)
  try {
    return await body(stores)
  } finally {
    await stores.close()
  }
}
