import type { IncomingMessage } from 'node:http'

/**
 * The path a framework routes a request by, from the raw request target
 * (`req.url` as Node received it). Every kit component that compares paths
 * (rate-limit tiers, the failed-login limiter, CSRF and body-limit
 * exemptions, health and metrics paths, metrics route labels, the logged
 * path) goes through this one function, so none of them can be steered
 * around by a request-target form the router understands but a string
 * comparison does not. The forms and how each framework routes them are in
 * docs/internals/request-targets.md.
 *
 * - origin-form `/auth/login?x=1` → `/auth/login`
 * - absolute-form `http://user@host:81/auth/login` (any scheme) → `/auth/login`
 *   (Express routes every scheme this way; Fastify only http and https)
 * - asterisk-form `*` and authority-form `host:443` name no path → `*`
 *
 * Then: percent-escapes are decoded (Fastify routes `/%61uth` as `/auth`),
 * runs of slashes become one and a trailing slash is dropped (Express routes
 * `/auth/login/` as `/auth/login`), and the result is lower-cased unless
 * `caseSensitive` (Express routes case-insensitively by default, Fastify
 * does not). Each step only makes more targets compare equal to a configured
 * path, never fewer, so a limit never misses a request its route answers.
 */
export function routedPath(target: string | undefined, caseSensitive = false): string {
  if (target === undefined || target === '') return '/'
  let start = 0
  if (target.charCodeAt(0) !== 47 /* / */) {
    start = absoluteFormPathStart(target)
    if (start === -1) return NO_PATH
  }
  let end = target.length
  for (let i = start; i < end; i++) {
    const c = target.charCodeAt(i)
    if (c === 63 /* ? */ || c === 35 /* # */) end = i
  }
  let path = start === end ? '/' : target.slice(start, end)
  if (path.includes('%')) path = decodePath(path)
  if (path.includes('//')) path = path.replace(/\/{2,}/g, '/')
  if (path.length > 1 && path.endsWith('/')) path = path.slice(0, -1)
  return caseSensitive ? path : path.toLowerCase()
}

/** What routedPath() returns for asterisk-form (`OPTIONS *`) and authority-form (`CONNECT host:443`). */
export const NO_PATH = '*'

// RFC 3986 scheme, then '//' and an authority that ends at the first '/', '?' or '#'.
const ABSOLUTE_FORM = /^[A-Za-z][A-Za-z0-9+.-]*:\/\/[^/?#]*/

/** Index where the path of an absolute-form target starts (its length when it has none); -1 for other forms. */
function absoluteFormPathStart(target: string): number {
  const match = ABSOLUTE_FORM.exec(target)
  return match === null ? -1 : match[0].length
}

function decodePath(path: string): string {
  try {
    return decodeURIComponent(path)
  } catch {
    // A malformed escape: Fastify answers 400, Express matches the raw text. Compare the raw text.
    return path
  }
}

/**
 * True when `path` (already through routedPath) is `prefix` or below it,
 * over whole segments: '/auth' covers '/auth' and '/auth/login', not '/authors'.
 */
export function pathIsUnder(path: string, prefix: string): boolean {
  if (prefix === '/') return true
  return path === prefix || (path.startsWith(prefix) && path.charCodeAt(prefix.length) === 47)
}

const kRouted = Symbol.for('kit.routedPath')
type WithRouted = IncomingMessage & { originalUrl?: string; [kRouted]?: { target: string; path: string } }

/**
 * routedPath() of a request (Express's `originalUrl`, else `url`; lower-cased),
 * computed once per request and kept on it: the health and metrics matchers
 * ask on every request, once for each pipeline step that skips probes.
 */
export function routedPathOf(req: IncomingMessage): string {
  const target = (req as WithRouted).originalUrl ?? req.url ?? ''
  const cached = (req as WithRouted)[kRouted]
  if (cached !== undefined && cached.target === target) return cached.path
  const path = routedPath(target)
  ;(req as WithRouted)[kRouted] = { target, path }
  return path
}
