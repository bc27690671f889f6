import { InvalidArgumentError } from 'commander'

/** `--rows <n|all>`: a positive integer or `all`. */
export const parseRows = (value: string): number | 'all' => {
  if (value === 'all') return 'all'
  const n = Number(value.replace(/_/g, ''))
  if (!Number.isInteger(n) || n <= 0)
    throw new InvalidArgumentError('expected a positive integer or "all"')
  return n
}

/** A positive integer option. */
export const parsePositiveInt = (value: string): number => {
  const n = Number(value)
  if (!Number.isInteger(n) || n <= 0) throw new InvalidArgumentError('expected a positive integer')
  return n
}
