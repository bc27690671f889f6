import type { ProjectInput } from './schema.js'

/**
 * Declare a Keel project. `keel.config.ts` default-exports the result. The object is checked when a
 * command loads it; this function only gives editors the types.
 *
 * @example
 * // keel.config.ts
 * import { defineProject } from 'keel'
 * export default defineProject({
 *   name: 'churn',
 *   sources: { customers: { path: 'data/customers.csv' } },
 *   label: { column: 'churned', task: 'binary' },
 *   candidates: [{ name: 'gbdt', kind: 'gbdt' }],
 * })
 */
export const defineProject = <const T extends ProjectInput>(project: T): T => project
