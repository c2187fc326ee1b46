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

function mountFromUrl(url: string, routePath: string): string {
  // Wildcards, optional groups and regexp routes cover an unknown number of segments.
  if (/[*{}()]/.test(routePath)) return ''
  const query = url.search(/[?#]/)
  const pathname = (query === -1 ? url : url.slice(0, query)).replace(/\/+$/, '')
  const urlSegments = pathname.split('/').length - 1
  const routeSegments = routePath === '/' ? 0 : routePath.replace(/\/+$/, '').split('/').length - 1
  if (urlSegments <= routeSegments) return ''
  return pathname
    .split('/')
    .slice(0, urlSegments - routeSegments + 1)
    .join('/')
}
