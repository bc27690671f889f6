/**
 * The model card: a JSON document assembled from an evaluation report, the bundle and the
 * registry's lineage, and its rendering as one self-contained HTML file with inline SVG charts.
 *
 * @module
 */
export {
  modelCard,
  importanceFromPermutation,
  leakageItems,
  type ModelCard,
  type ModelCardInput,
  type ImportanceItem,
  type LeakageItem,
  type CardLineage,
} from './model-card/model-card.js'
export { renderModelCardHtml } from './model-card/render-html.js'
export { writeModelCard, cardBaseName, type WrittenCard } from './model-card/write-card.js'
export { escapeHtml, html, SafeHtml } from './kit/html.js'
