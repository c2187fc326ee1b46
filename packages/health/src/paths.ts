import type { IncomingMessage } from 'node:http'
import type { HealthConfig } from './options.ts'

export type HealthEndpoint = 'live' | 'ready' | 'summary'

/** Lower-cased, query string, fragment and trailing slashes removed: the form paths are compared in. */
export function normalisePath(url: string): string {
  return url.slice(0, pathEnd(url)).toLowerCase()
}

function pathEnd(url: string): number {
  let end = url.length
  const q = url.indexOf('?')
  if (q !== -1) end = q
  const hash = url.indexOf('#')
  if (hash !== -1 && hash < end) end = hash
  while (end > 1 && url.charCodeAt(end - 1) === 47 /* '/' */) end--
  return end
}

/**
 * Finds which health endpoint a request is for. It runs on every request
 * (security, rate limits and the logger ask it through `isHealthPath`), so a
 * URL whose path length matches no health path is rejected before any
 * string is allocated.
 */
export function createPathMatcher(
  paths: HealthConfig['paths'],
): (req: IncomingMessage) => HealthEndpoint | undefined {
  const byPath = new Map<string, HealthEndpoint>()
  byPath.set(normalisePath(paths.live), 'live')
  byPath.set(normalisePath(paths.ready), 'ready')
  byPath.set(normalisePath(paths.summary), 'summary')
  if (paths.up !== false) byPath.set(normalisePath(paths.up), 'ready')
  const lengths = new Set([...byPath.keys()].map((p) => p.length))

  return (req) => {
    const method = req.method
    if (method !== 'GET' && method !== 'HEAD') return undefined
    const url = (req as IncomingMessage & { originalUrl?: string }).originalUrl ?? req.url ?? ''
    const end = pathEnd(url)
    if (!lengths.has(end)) return undefined
    return byPath.get(url.slice(0, end).toLowerCase())
  }
}
