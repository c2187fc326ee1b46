import { debuglog } from 'node:util'

export type DebugLogger = ((message: string, ...args: unknown[]) => void) & { enabled: boolean }

/**
 * A debug channel per package: `NODE_DEBUG=kit:rate-limit` (or `kit*`)
 * prints what a package resolved its configuration to.
 */
export function createDebug(pkg: string): DebugLogger {
  const log = debuglog(`kit:${pkg}`)
  const fn = ((message: string, ...args: unknown[]) => log(message, ...args)) as DebugLogger
  Object.defineProperty(fn, 'enabled', { get: () => log.enabled })
  return fn
}
