/**
 * Reading and setting the state of a pino instance kit did not create. pino
 * keeps it under symbols; most are `Symbol('pino.x')`, not `Symbol.for`, so
 * an app's own copy of pino (another version, not deduplicated with kit's)
 * has different ones. They are found by description along the prototype
 * chain (a child is Object.create(parent)), which works for any pino >= 7
 * (docs/internals/logging.md).
 */

const cache = new WeakMap<object, Map<string, symbol | undefined>>()

/** The instance's symbol described `pino.<name>`, or undefined when it is not a pino logger. */
export function pinoSymbol(instance: object, name: string): symbol | undefined {
  let known = cache.get(instance)
  if (known === undefined) {
    known = new Map()
    cache.set(instance, known)
  }
  if (known.has(name)) return known.get(name)
  const description = `pino.${name}`
  let found: symbol | undefined
  for (let o: object | null = instance; o !== null && found === undefined; o = Object.getPrototypeOf(o)) {
    found = Object.getOwnPropertySymbols(o).find((s) => s.description === description)
  }
  known.set(name, found)
  return found
}

/** A value pino keeps under `pino.<name>` (inherited by children). */
export function readPino<T>(instance: object, name: string): T | undefined {
  const symbol = pinoSymbol(instance, name)
  return symbol === undefined ? undefined : ((instance as Record<symbol, T>)[symbol] as T)
}

/** Sets what pino reads under `pino.<name>` on this logger (its children inherit it). */
export function writePino(instance: object, name: string, value: unknown): void {
  const symbol = pinoSymbol(instance, name)
  if (symbol !== undefined) (instance as Record<symbol, unknown>)[symbol] = value
}

/** True for a pino logger from any copy of pino: it has pino's methods and its stream symbol (level methods may be custom). */
export function isPinoLogger(value: unknown): boolean {
  if (typeof value !== 'object' || value === null) return false
  const candidate = value as Record<string, unknown>
  return (
    typeof candidate.child === 'function' &&
    typeof candidate.isLevelEnabled === 'function' &&
    pinoSymbol(value, 'stream') !== undefined
  )
}
