import type { WorkspacePaths } from '../project/workspace.js'
import { openProjectEventLog } from '../project/workspace.js'
import { pruneEvents, type PruneOptions, type PruneResult } from '../stores/events/index.js'

export { parseByteSize } from '../stores/events/index.js'

/**
 * Apply a retention policy to a workspace's event log (`keel events prune`): open the log the
 * workspace is configured for (or `url`), run {@link pruneEvents} and close it. The label horizon
 * keeps the predictions that monitoring's label join may still match.
 *
 * @example
 * await pruneWorkspaceEvents(project, { maxAgeMs: 30 * 86_400_000, exportDir: '.keel/archive' })
 */
export const pruneWorkspaceEvents = async (
  paths: Pick<WorkspacePaths, 'root'>,
  options: PruneOptions & { readonly url?: string },
): Promise<PruneResult> => {
  const { url, ...policy } = options
  const log = await openProjectEventLog(paths, url)
  try {
    return await pruneEvents(log, policy)
  } finally {
    await log.close()
  }
}
