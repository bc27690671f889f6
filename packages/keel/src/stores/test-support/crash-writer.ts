/**
 * Child process for the registry crash and concurrency tests. Opens the workspace's stores and
 * performs registry writes (put a bundle, create a version with lineage, move an alias) until it is
 * killed (`crash` mode) or has made `count` alias moves (`race` mode).
 *
 * Usage: tsx crash-writer.ts <dir> <crash|race> <seed> [count] [postgres-url] [schema]
 */
import { createRng } from '@keel/core'
import { openStores } from '../open-stores.js'

const [dir, mode, seedText, countText, url, schema] = process.argv.slice(2)
if (dir === undefined || (mode !== 'crash' && mode !== 'race')) {
  console.error('usage: crash-writer.ts <dir> <crash|race> <seed> [count] [postgres-url] [schema]')
  process.exit(2)
}
const rng = createRng(Number(seedText ?? 1))
const stores = await openStores({ dir, url: url || undefined, schema: schema || undefined })
const { artifacts, registry } = stores
const model = 'crash-model'
process.stdout.write('ready\n')

if (mode === 'race') {
  const latest = (await registry.getModel(model)).latestVersion
  for (let i = 0; i < Number(countText ?? 20); i++) {
    const version = 1 + rng.int(latest)
    await registry.promote(model, version, rng.float() < 0.5 ? 'production' : 'staging', {
      actor: `pid-${process.pid}`,
      reason: `race ${i}`,
    })
  }
  await stores.close()
  process.exit(0)
}

for (let i = 0; ; i++) {
  const size = 1000 + rng.int(30_000)
  const bytes = new Uint8Array(size)
  for (let j = 0; j < size; j += 1) bytes[j] = rng.int(256)
  const ref = await artifacts.put(bytes)
  const version = await registry.createVersion({
    model,
    bundle: ref,
    datasets: [
      { fingerprint: `fp-train-${i % 3}`, role: 'train' },
      { fingerprint: `fp-val-${i % 5}`, role: 'validation' },
    ],
    evaluation: { iteration: i, pid: process.pid },
    createdBy: `pid-${process.pid}`,
  })
  const alias = rng.float() < 0.6 ? 'production' : 'staging'
  await registry.promote(model, version.version, alias, {
    actor: `pid-${process.pid}`,
    reason: `iteration ${i}`,
  })
}
