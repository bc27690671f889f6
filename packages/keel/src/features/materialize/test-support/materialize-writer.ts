/**
 * Child process for the materialization crash test: `materializeTimes` over `<dir>`, printing
 * `ready` once started, `progress` after every batch (so the test can kill it part-way) and `done`
 * at the end.
 *
 * Usage: materialize-writer.ts <dir> <seed> <time,time,…>
 */
import { materializeTimes } from './crash-run.js'

const [dir, seedText, timesText] = process.argv.slice(2)
if (dir === undefined || seedText === undefined || timesText === undefined) {
  console.error('usage: materialize-writer.ts <dir> <seed> <time,time,…>')
  process.exit(2)
}
process.stdout.write('ready\n')
await materializeTimes(dir, Number(seedText), timesText.split(',').map(Number), () =>
  process.stdout.write('progress\n'),
)
process.stdout.write('done\n')
