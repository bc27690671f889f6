import { join } from 'node:path'
import { createSqlMaterializationStateStore } from '../../../stores/features/sql-materialization-state-store.js'
import { openMetadataStore } from '../../../stores/metadata/open.js'
import { openSqliteOnlineStore } from '../../../stores/online/sqlite-online-store.js'
import { materializeView } from '../materialize-view.js'
import { arrayViewRows } from './array-rows.js'
import { testFeatureStore } from './fixtures.js'
import { generatedRows } from './generated-rows.js'

/** The view the crash test materializes (TTL 20 s). */
export const crashView = () => testFeatureStore(20_000).views.get('late_rate')!

/**
 * Materialize the seeded rows into `<dir>/online.db` (watermark in `<dir>/meta.db`) to each of
 * `times` in turn, incrementally; a time the watermark has reached already is skipped, as a
 * scheduler resuming after a crash would.
 */
export const materializeTimes = async (
  dir: string,
  seed: number,
  times: readonly number[],
  onProgress?: () => void,
): Promise<void> => {
  const view = crashView()
  const rows = generatedRows(seed)
  const metadata = await openMetadataStore({ url: `sqlite:${join(dir, 'meta.db')}` })
  const online = openSqliteOnlineStore(join(dir, 'online.db'))
  try {
    const state = createSqlMaterializationStateStore(metadata)
    const ref = { view: view.name, version: view.version, target: 'sqlite' }
    for (const to of times) {
      const watermark = (await state.get(ref))?.watermark
      if (watermark != null && watermark >= to) continue
      await materializeView(view, {
        readRows: arrayViewRows(new Map([[view.name, rows]]), 200),
        online,
        state,
        target: ref.target,
        now: to,
        batchSize: 25,
        ...(onProgress === undefined ? {} : { onProgress }),
      })
    }
  } finally {
    await online.close()
    await metadata.close()
  }
}
