import { Frame, type Column } from '../frame/index.js'
import { duplicateRowGroups } from '../model-selection/index.js'
import { NO_SPLIT, SPLIT_LABELS, TEST, TRAIN, VALIDATION, type LeakageContext } from './context.js'
import type { LeakageCheck } from './types.js'

/** Rows of later splits that repeat a row of an earlier split, from groups of identical rows. */
interface Crossing {
  readonly crossSplitGroups: number
  readonly leakedRows: { readonly validation: number; readonly test: number }
  /** Leaked rows over all validation + test rows. */
  readonly share: number
  readonly samples: readonly {
    readonly rows: readonly number[]
    readonly splits: readonly string[]
  }[]
}

const crossings = (groups: readonly number[][], ctx: LeakageContext): Crossing => {
  const a = ctx.assignment
  let crossSplitGroups = 0
  const leaked = [0, 0, 0]
  const samples: { rows: number[]; splits: string[] }[] = []
  for (const rows of groups) {
    const seen = [false, false, false]
    for (const r of rows) if (a[r] !== NO_SPLIT) seen[a[r]!] = true
    if (seen.filter(Boolean).length < 2) continue
    crossSplitGroups++
    for (const r of rows) {
      const s = a[r]!
      if ((s === VALIDATION && seen[TRAIN]) || (s === TEST && (seen[TRAIN] || seen[VALIDATION])))
        leaked[s]!++
    }
    if (samples.length < 5) {
      samples.push({ rows: rows.slice(0, 6), splits: SPLIT_LABELS.filter((_, k) => seen[k]) })
    }
  }
  const heldOut = ctx.split.validation.length + ctx.split.test.length
  return {
    crossSplitGroups,
    leakedRows: { validation: leaked[VALIDATION]!, test: leaked[TEST]! },
    share: heldOut > 0 ? (leaked[VALIDATION]! + leaked[TEST]!) / heldOut : 0,
    samples,
  }
}

/** The columns compared for duplicates: declared, or every column but label / id / weight / ignore. */
export const duplicateColumns = (ctx: LeakageContext): string[] => {
  if (ctx.options.duplicateColumns) return [...ctx.options.duplicateColumns]
  const skip = new Set([ctx.label, ...ctx.nonDataColumns])
  return ctx.frame.columnNames.filter((c) => !skip.has(c))
}

const pct = (x: number): string => `${(100 * x).toFixed(2)}%`

/**
 * Exact duplicates across splits (the book: 3.3% of CIFAR-10's test images are in train): rows of
 * validation or test identical, over the compared columns, to a row of an earlier split. Any is a
 * warning; more than `duplicateFailShare` of held-out rows fails, because the held-out score then
 * partly measures memory.
 */
export const exactDuplicateCheck = (ctx: LeakageContext): LeakageCheck => {
  const columns = duplicateColumns(ctx)
  const c = crossings(duplicateRowGroups(ctx.frame, columns), ctx)
  const leaked = c.leakedRows.validation + c.leakedRows.test
  const status = leaked === 0 ? 'pass' : c.share > ctx.options.duplicateFailShare ? 'fail' : 'warn'
  return {
    check: 'duplicates_exact',
    status,
    severity: 'medium',
    message:
      leaked === 0
        ? 'no validation or test row repeats a row of an earlier split'
        : `${leaked} held-out rows (${pct(c.share)}) are exact copies of rows in an earlier split: deduplicate before splitting, and oversample only after`,
    evidence: { columns, ...c },
  }
}

/** Round to `digits` significant digits (0, NaN and infinities unchanged). */
const roundSignificant = (x: number, digits: number): number => {
  if (x === 0 || !Number.isFinite(x)) return x
  const e = Math.floor(Math.log10(Math.abs(x)))
  const scale = 10 ** (digits - 1 - e)
  return Math.round(x * scale) / scale
}

/** The column as compared for near duplicates (see {@link nearDuplicateCheck}). */
const coarsen = (c: Column, digits: number, resolution: number): Column => {
  switch (c.kind) {
    case 'numeric':
      return { kind: 'numeric', values: c.values.map((x) => roundSignificant(x, digits)) }
    case 'timestamp':
      return {
        kind: 'timestamp',
        values: c.values.map((x) => Math.floor(x / resolution) * resolution),
      }
    case 'text':
      return {
        kind: 'text',
        values: c.values.map((v) =>
          v === null ? null : v.trim().toLowerCase().replace(/\s+/g, ' '),
        ),
      }
    case 'boolean':
    case 'categorical':
      return c
  }
}

/**
 * Near duplicates across splits: the same rows as the exact check would compare, after numeric
 * values are rounded to `nearDigits` significant digits, timestamps floored to
 * `nearTimeResolutionMs`, text trimmed, lower-cased and whitespace-collapsed, and the `nearIgnore`
 * columns dropped. It finds the same example recorded twice with small differences (photos
 * milliseconds apart, a re-sent form). A warning only: on coarse tabular data identical rounded
 * rows can be distinct real events, so the evidence needs a look.
 */
export const nearDuplicateCheck = (ctx: LeakageContext): LeakageCheck => {
  const ignore = new Set(ctx.options.nearIgnore)
  const columns = duplicateColumns(ctx).filter((c) => !ignore.has(c))
  const { nearDigits: digits, nearTimeResolutionMs: resolution } = ctx.options
  const coarse = Frame.fromColumns(
    new Map(columns.map((c) => [c, coarsen(ctx.frame.column(c), digits, resolution)])),
  )
  const c = crossings(duplicateRowGroups(coarse, columns), ctx)
  const leaked = c.leakedRows.validation + c.leakedRows.test
  const status = c.share >= ctx.options.nearWarnShare && leaked > 0 ? 'warn' : 'pass'
  return {
    check: 'duplicates_near',
    status,
    severity: 'low',
    message:
      leaked === 0
        ? 'no held-out row nearly repeats a row of an earlier split'
        : `${leaked} held-out rows (${pct(c.share)}) match an earlier split after rounding to ${digits} significant digits and ${resolution} ms: check whether they are the same real-world example`,
    evidence: { columns, digits, timeResolutionMs: resolution, ...c },
  }
}

/**
 * Group leakage: a declared group (a patient, a user, a photo session) with rows in train and in a
 * held-out split, so the model is scored on people it has already seen. Fails on any shared group.
 */
export const groupOverlapCheck = (ctx: LeakageContext): LeakageCheck => {
  if (ctx.group === undefined) {
    return {
      check: 'group_overlap',
      status: 'skip',
      severity: 'high',
      message: 'no group column declared (contract role "group"): group leakage not checked',
      evidence: {},
    }
  }
  const keys = groupKeys(ctx.frame.column(ctx.group))
  const inSplit = [new Set<string>(), new Set<string>(), new Set<string>()]
  ctx.assignment.forEach((s, i) => {
    const k = keys[i]
    if (s !== NO_SPLIT && k !== null) inSplit[s]!.add(k!)
  })
  const shared = new Set<string>()
  for (const k of inSplit[VALIDATION]!) if (inSplit[TRAIN]!.has(k)) shared.add(k)
  for (const k of inSplit[TEST]!)
    if (inSplit[TRAIN]!.has(k) || inSplit[VALIDATION]!.has(k)) shared.add(k)
  let leakedRows = 0
  ctx.assignment.forEach((s, i) => {
    const k = keys[i]
    if ((s === VALIDATION || s === TEST) && k !== null && shared.has(k!)) leakedRows++
  })
  const heldOut = ctx.split.validation.length + ctx.split.test.length
  return {
    check: 'group_overlap',
    status: shared.size > 0 ? 'fail' : 'pass',
    severity: 'high',
    message:
      shared.size > 0
        ? `${shared.size} "${ctx.group}" groups have rows in train and in a held-out split (${leakedRows} held-out rows): keep each group in one split (a group split)`
        : `every "${ctx.group}" group stays within one split`,
    evidence: {
      column: ctx.group,
      groups: {
        train: inSplit[TRAIN]!.size,
        validation: inSplit[VALIDATION]!.size,
        test: inSplit[TEST]!.size,
      },
      sharedGroups: shared.size,
      leakedRows,
      share: heldOut > 0 ? leakedRows / heldOut : 0,
      sample: [...shared].slice(0, 10),
    },
  }
}

/** Group values as strings (null for missing), whatever the column kind. */
const groupKeys = (c: Column): (string | null)[] => {
  if (c.kind === 'categorical') return Array.from(c.codes, (k) => (k < 0 ? null : c.dictionary[k]!))
  if (c.kind === 'text') return [...c.values]
  return Array.from(c.values, (v) => (v !== v ? null : String(v)))
}
