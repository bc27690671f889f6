import { mkdir, rename, rm, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { randomBytes } from 'node:crypto'
import type { ArtifactStore, VersionCard } from '../../stores/index.js'
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

const writeAtomic = async (path: string, text: string | Uint8Array): Promise<void> => {
  const temp = `${path}.tmp-${randomBytes(6).toString('hex')}`
  try {
    await writeFile(temp, text, { flag: 'wx' })
    await rename(temp, path)
  } catch (e) {
    await rm(temp, { force: true })
    throw e
  }
}

/** The card's two documents: its JSON (non-finite numbers as null) and its self-contained HTML. */
export const cardDocuments = (
  card: ModelCard,
): { readonly json: string; readonly html: string } => ({
  json: `${JSON.stringify(card, (_k, v: unknown) => (typeof v === 'number' && !Number.isFinite(v) ? null : v), 2)}\n`,
  html: renderModelCardHtml(card),
})

/**
 * Put the card's JSON and HTML in the artifact store (content-addressed, atomic) and return their
 * refs: what the registry records with the evaluation the card belongs to.
 */
export const storeModelCard = async (
  artifacts: Pick<ArtifactStore, 'put'>,
  card: ModelCard,
): Promise<VersionCard> => {
  const docs = cardDocuments(card)
  return { json: await artifacts.put(docs.json), html: await artifacts.put(docs.html) }
}

/**
 * Write the card as `<dir>/<base>.json` and `.html` (each replaced atomically, so a reader never
 * sees half a file) and return both paths. `base` defaults to `<model>-v<version>`.
 */
export const writeModelCard = async (
  dir: string,
  card: ModelCard,
  base: string = cardBaseName(card.model.name, card.model.version),
): Promise<WrittenCard> => {
  await mkdir(dir, { recursive: true })
  const docs = cardDocuments(card)
  const paths = { json: join(dir, `${base}.json`), html: join(dir, `${base}.html`) }
  await writeAtomic(paths.json, docs.json)
  await writeAtomic(paths.html, docs.html)
  return paths
}

/**
 * Where the card of a later evaluation of a version goes: its own folder under
 * `<dir>/evaluations/<model>-v<version>/`, named by the evaluation's time and report digest, so
 * it never replaces the card the version was registered with (`<dir>/<model>-v<version>.html`).
 */
export const evaluationCardDir = (
  dir: string,
  model: string,
  version: number,
  at: Date,
  reportDigest: string,
): string =>
  join(
    dir,
    'evaluations',
    cardBaseName(model, version),
    `${at
      .toISOString()
      .replace(/[-:]/g, '')
      .replace(/\.\d+Z$/, 'Z')}-${reportDigest.replace(/^sha256:/, '').slice(0, 12)}`,
  )

/**
 * Write a card the registry holds (the artifacts {@link storeModelCard} put) to `<dir>/<base>` as
 * files, byte for byte: e.g. to restore a registration card whose file a crash never wrote.
 */
export const materializeStoredCard = async (
  artifacts: Pick<ArtifactStore, 'get'>,
  stored: VersionCard,
  dir: string,
  base: string,
): Promise<WrittenCard> => {
  await mkdir(dir, { recursive: true })
  const paths = { json: join(dir, `${base}.json`), html: join(dir, `${base}.html`) }
  await writeAtomic(paths.json, Buffer.from(await artifacts.get(stored.json.digest)))
  await writeAtomic(paths.html, Buffer.from(await artifacts.get(stored.html.digest)))
  return paths
}
