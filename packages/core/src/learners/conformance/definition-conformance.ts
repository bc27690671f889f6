/**
 * Conformance checks for a learner's registry entry (`LearnerDefinition`): the hyperparameter
 * schema is the one declaration that validation, defaults, docs, CLI help and HTTP schemas come
 * from, so it must be strict, documented and produce a learner of its own kind.
 *
 * @example
 * runDefinitionConformance({ definition: logisticRegressionDefinition })
 * runDefinitionConformance({ definition: heuristicDefinition, minimalParams: { name: 'rule' } })
 */
import { describe, expect, it } from 'vitest'
import type { z } from 'zod'
import { parseParams, type LearnerDefinition } from '../registry.js'
import { expectKeelError } from './conformance.js'

/** What {@link runDefinitionConformance} needs. */
export interface DefinitionConformanceOptions {
  readonly definition: LearnerDefinition
  /** The smallest valid hyperparameters (default `{}`: every parameter has a default). */
  readonly minimalParams?: Readonly<Record<string, unknown>>
  /** Hyperparameter sets that must be rejected with INVALID_PARAMS (beyond an unknown key). */
  readonly invalidParams?: readonly Readonly<Record<string, unknown>>[]
}

/** The object schema behind wrappers such as `.refine()` (zod 4 keeps the shape on the object). */
const objectShape = (schema: z.ZodType): Record<string, z.ZodType> | undefined => {
  const s = schema as unknown as { shape?: Record<string, z.ZodType> }
  return s.shape
}

/** Register tests that check one learner definition (see the module doc). */
export const runDefinitionConformance = (options: DefinitionConformanceOptions): void => {
  const { definition: def } = options
  const minimal = options.minimalParams ?? {}
  describe(`learner definition: ${def.kind}`, () => {
    it('minimal hyperparameters parse and create a learner of this kind', () => {
      const params = parseParams(def.kind, def.params, minimal)
      const learner = def.create(params)
      expect(learner.kind).toBe(def.kind)
      expect(learner.capabilities.tasks.length).toBeGreaterThan(0)
    })

    it('an unknown hyperparameter is INVALID_PARAMS (the schema is strict)', () => {
      expectKeelError(
        () => parseParams(def.kind, def.params, { ...minimal, __unknown__: 1 }),
        'INVALID_PARAMS',
        'unknown key',
      )
      for (const bad of options.invalidParams ?? []) {
        expectKeelError(
          () => parseParams(def.kind, def.params, { ...minimal, ...bad }),
          'INVALID_PARAMS',
          JSON.stringify(bad),
        )
      }
    })

    it('every hyperparameter is documented', () => {
      expect(def.description.length).toBeGreaterThan(10)
      const shape = objectShape(def.params)
      expect(shape, 'params must be a zod object schema').toBeDefined()
      for (const [name, schema] of Object.entries(shape ?? {})) {
        expect(schema.description, `hyperparameter "${name}" has no .describe()`).toBeTruthy()
      }
    })
  })
}
