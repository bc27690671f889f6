import { mkdir, rename, rm, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { randomBytes } from 'node:crypto'
import type { ModelCard } from './model-card.js'
import { renderModelCardHtml } from './render-html.js'

/** Where a written card lives. */
export interface WrittenCard {
  readonly html: string
  readonly json: string
}

/** A file name for a model: anything but letters, digits, `_`, `.` and `-` becomes `_`. */
export const cardBaseName = (model: string, version: number | null): string =>
  `${model.replace(/[^A-Za-z0-9_.-]/g, '_').replace(/^\.+/, '_')}${version === null ? '' : `-v${version}`}`

const writeAtomic = async (path: string, text: string): Promise<void> => {
  const temp = `${path}.tmp-${randomBytes(6).toString('hex')}`
  try {
    await writeFile(temp, text, { flag: 'wx' })
    await rename(temp, path)
  } catch (e) {
    await rm(temp, { force: true })
    throw e
  }
}

/**
 * Write the card as `<dir>/<model>-v<version>.json` and `.html` (each replaced atomically, so a
 * reader never sees half a file) and return both paths.
 */
export const writeModelCard = async (dir: string, card: ModelCard): Promise<WrittenCard> => {
  await mkdir(dir, { recursive: true })
  const base = join(dir, cardBaseName(card.model.name, card.model.version))
  const paths = { json: `${base}.json`, html: `${base}.html` }
  await writeAtomic(
    paths.json,
    `${JSON.stringify(card, (_k, v: unknown) => (typeof v === 'number' && !Number.isFinite(v) ? null : v), 2)}\n`,
  )
  await writeAtomic(paths.html, renderModelCardHtml(card))
  return paths
}
