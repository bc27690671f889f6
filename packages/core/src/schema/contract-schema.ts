import { z } from 'zod'
import { KeelError, type Issue } from '../errors/index.js'
import type { Cell, Row } from '../frame/index.js'
import { FIELD_ROLES, parseInstant, type SchemaContract } from './contract.js'

const fn = <T>(what: string) =>
  z.custom<T>((v) => typeof v === 'function', { message: `${what} must be a function` })

const bound = z
  .union([z.number(), z.string()])
  .refine((b) => typeof b === 'number' || parseInstant(b) !== undefined, {
    message: 'must be a number or an ISO-8601 date / date-time',
  })

const fieldCheckSchema = z
  .object({
    name: z.string().min(1),
    check: fn<(value: Exclude<Cell, null>, row: Row) => boolean | string>('check'),
  })
  .strict()

/** The zod schema of one contract field (see {@link ContractField}). */
export const contractFieldSchema = z
  .object({
    name: z.string().min(1),
    kind: z.enum(['numeric', 'boolean', 'timestamp', 'categorical', 'text']),
    role: z.enum(FIELD_ROLES as [string, ...string[]]).optional(),
    description: z.string().optional(),
    nullable: z.boolean().optional(),
    maxNullRate: z.number().min(0).max(1).optional(),
    range: z.object({ min: bound.optional(), max: bound.optional() }).strict().optional(),
    categories: z
      .array(z.string())
      .refine((c) => new Set(c).size === c.length, { message: 'categories must be distinct' })
      .optional(),
    unique: z.boolean().optional(),
    allowInfinite: z.boolean().optional(),
    checks: z.array(fieldCheckSchema).optional(),
  })
  .strict()
  .superRefine((f, ctx) => {
    const numericLike = f.kind === 'numeric' || f.kind === 'boolean' || f.kind === 'timestamp'
    if (f.range && !numericLike) {
      ctx.addIssue({ code: 'custom', path: ['range'], message: `a ${f.kind} field has no range` })
    }
    if (f.categories && numericLike) {
      ctx.addIssue({
        code: 'custom',
        path: ['categories'],
        message: `a ${f.kind} field has no categories`,
      })
    }
    const lo = f.range?.min
    const hi = f.range?.max
    if (lo !== undefined && hi !== undefined) {
      const a = typeof lo === 'number' ? lo : parseInstant(lo)
      const b = typeof hi === 'number' ? hi : parseInstant(hi)
      if (a !== undefined && b !== undefined && a > b) {
        ctx.addIssue({ code: 'custom', path: ['range'], message: 'range min is above max' })
      }
    }
  })

/**
 * The zod schema of a {@link SchemaContract}: the plain-data part is checked field by field, custom
 * checks must be functions. A config file can declare a contract and have it checked here.
 */
export const schemaContractSchema = z
  .object({
    fields: z.array(contractFieldSchema),
    checks: z
      .array(
        z
          .object({
            name: z.string().min(1),
            columns: z.array(z.string()).optional(),
            check: fn<(row: Row) => boolean | string>('check'),
          })
          .strict(),
      )
      .optional(),
    extraColumns: z.enum(['allow', 'forbid']).optional(),
  })
  .strict()
  .superRefine((c, ctx) => {
    const seen = new Set<string>()
    c.fields.forEach((f, i) => {
      if (seen.has(f.name)) {
        ctx.addIssue({
          code: 'custom',
          path: ['fields', i, 'name'],
          message: `duplicate field "${f.name}"`,
        })
      }
      seen.add(f.name)
    })
    c.checks?.forEach((check, i) =>
      check.columns?.forEach((col, j) => {
        if (!seen.has(col)) {
          ctx.addIssue({
            code: 'custom',
            path: ['checks', i, 'columns', j],
            message: `check "${check.name}" names unknown field "${col}"`,
          })
        }
      }),
    )
  })

/**
 * Check `input` against {@link schemaContractSchema} and return it as a frozen contract; every
 * problem is an issue of one `INVALID_CONFIG` error, with its path.
 */
export const parseContract = (input: unknown): SchemaContract => {
  const parsed = schemaContractSchema.safeParse(input)
  if (!parsed.success) {
    const issues: Issue[] = parsed.error.issues.map((i) => ({
      code: i.code,
      path: i.path.filter((p): p is string | number => typeof p !== 'symbol'),
      message: i.message,
    }))
    throw new KeelError(
      'INVALID_CONFIG',
      `schema contract is not valid: ${issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`,
      { issues },
    )
  }
  return deepFreeze(parsed.data as SchemaContract)
}

/** Typed identity for writing a contract in TypeScript, checked like {@link parseContract}. */
export const defineContract = (contract: SchemaContract): SchemaContract => parseContract(contract)

const deepFreeze = <T>(value: T): T => {
  if (typeof value === 'object' && value !== null && !Object.isFrozen(value)) {
    Object.freeze(value)
    for (const v of Object.values(value)) deepFreeze(v)
  }
  return value
}
