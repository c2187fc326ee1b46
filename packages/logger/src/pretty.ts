import { createRequire } from 'node:module'
import { join } from 'node:path'
import type { DestinationStream } from 'pino'

type PrettyFactory = (options: Record<string, unknown>) => DestinationStream

/**
 * pino-pretty, loaded only when pretty output is wanted: from the app first
 * (where users install it), then from kit's own dependencies. It runs in the
 * main thread, not as a worker transport, so nothing is lost when a
 * development server exits before a worker is ready.
 */
export function loadPretty(): PrettyFactory | undefined {
  for (const from of [join(process.cwd(), 'package.json'), import.meta.url]) {
    try {
      const mod = createRequire(from)('pino-pretty') as PrettyFactory | { default: PrettyFactory }
      return typeof mod === 'function' ? mod : mod.default
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'MODULE_NOT_FOUND') throw error
    }
  }
  return undefined
}
