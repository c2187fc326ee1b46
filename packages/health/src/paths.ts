import type { IncomingMessage } from 'node:http'
import { routedPath, routedPathOf } from '@kit/internal'
import type { HealthConfig } from './options.ts'

export type HealthEndpoint = 'live' | 'ready' | 'summary'

/** The form paths are compared in: the routed path (@kit/internal), lower-cased. */
export function normalisePath(url: string): string {
  return routedPath(url)
}

/**
 * Finds which health endpoint a request is for. It runs on every request
 * (security, rate limits and the logger ask it through `isHealthPath`), and
 * compares the path the frameworks route by, so `GET http://host/health`
 * (absolute-form) is a health probe on both and skips the same steps.
 */
export function createPathMatcher(
  paths: HealthConfig['paths'],
): (req: IncomingMessage) => HealthEndpoint | undefined {
  const byPath = new Map<string, HealthEndpoint>()
  byPath.set(normalisePath(paths.live), 'live')
  byPath.set(normalisePath(paths.ready), 'ready')
  byPath.set(normalisePath(paths.summary), 'summary')
  if (paths.up !== false) byPath.set(normalisePath(paths.up), 'ready')

  return (req) => {
    const method = req.method
    if (method !== 'GET' && method !== 'HEAD') return undefined
    return byPath.get(routedPathOf(req))
  }
}
