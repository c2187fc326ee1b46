import { routedPath } from '@kit/internal'
import { UNMATCHED_ROUTE } from './labels.ts'

interface ExpressRequestLike {
  route?: { path?: unknown }
  baseUrl?: string
  originalUrl?: string
  url?: string
}

/**
 * The route template of an Express request: the mount path joined with
 * `req.route.path` ('/api' + '/users/:id'), never the URL itself.
 *
 * Express restores `req.baseUrl` when an error leaves a mounted router, so
 * an error handler at the app level sees the route without its mount path;
 * the mount is then taken from the URL, one segment per segment the route
 * does not cover. Requests no route answered (404s, redirects, rate-limit
 * refusals) are one 'unmatched' series, or `<mount>/*` when a mounted
 * middleware (express.static) answered them.
 */
export function expressRouteTemplate(req: ExpressRequestLike): string {
  const route = req.route
  const base = req.baseUrl ?? ''
  if (!route) return base ? `${base}/*` : UNMATCHED_ROUTE
  const raw = route.path
  const path = typeof raw === 'string' ? raw : Array.isArray(raw) ? raw.map(String).join('|') : String(raw)
  const mount = base || (typeof raw === 'string' ? mountFromUrl(req.originalUrl ?? req.url ?? '', raw) : '')
  if (!mount) return path
  return path === '/' ? mount : mount + path
}

interface RouteShape {
  /** Path segments the route covers, or -1 when it covers an unknown number (wildcards, optional groups). */
  segments: number
}

// Route paths come from the app's code: a small, fixed set.
const shapes = new Map<string, RouteShape>()

function shapeOf(routePath: string): RouteShape {
  let shape = shapes.get(routePath)
  if (!shape) {
    const trimmed = routePath.replace(/\/+$/, '')
    shape = { segments: /[*{}()]/.test(routePath) ? -1 : trimmed === '' ? 0 : trimmed.split('/').length - 1 }
    if (shapes.size < 10_000) shapes.set(routePath, shape)
  }
  return shape
}

/** Path segments of a URL, without allocating: slashes before '?' or '#', trailing ones excepted. */
function urlSegments(url: string): number {
  let count = 0
  let pending = 0
  for (let i = 0; i < url.length; i++) {
    const c = url.charCodeAt(i)
    if (c === 63 /* ? */ || c === 35 /* # */) break
    if (c === 47 /* / */) pending++
    else {
      count += pending
      pending = 0
    }
  }
  return count
}

function mountFromUrl(url: string, routePath: string): string {
  const { segments } = shapeOf(routePath)
  // The common case, an origin-form URL of a route of the app itself, costs one scan of the URL.
  if (segments < 0 || (url.charCodeAt(0) === 47 && urlSegments(url) <= segments)) return ''
  // The path Express routed by (never the scheme and host of an absolute-form target: no label injection).
  const parts = routedPath(url).split('/')
  if (parts.length - 1 <= segments) return ''
  return parts.slice(0, parts.length - segments).join('/')
}
