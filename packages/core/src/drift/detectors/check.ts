import { KeelError } from '../../errors/index.js'

/** Throw INVALID_ARGUMENT unless `value` satisfies `ok`; used to validate detector parameters. */
export const requireParam = (ok: boolean, name: string, value: unknown, rule: string): void => {
  if (!ok) {
    throw new KeelError('INVALID_ARGUMENT', `${name} must be ${rule}, got ${String(value)}`, {
      path: [name],
      details: { value },
    })
  }
}

/** Throw INVALID_DATA for a non-finite stream value (NaN would silently poison the statistics). */
export const requireFinite = (x: number, detector: string): void => {
  if (!Number.isFinite(x)) {
    throw new KeelError('INVALID_DATA', `${detector}.update needs a finite number, got ${x}`, {
      details: { value: x },
    })
  }
}
