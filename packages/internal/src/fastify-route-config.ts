/**
 * A Fastify route's `config` per request without `request.routeOptions`.
 *
 * `request.routeOptions` is a getter that builds a fresh twelve-field object
 * (and asks the router about version constraints) on every read; kit's steps
 * read only its `config` (the rate-limit tier, the CSRF opt-out, the route
 * template `config.url` for the request line), several times per request.
 * Fastify keeps the route's context, whose `config` is that same object,
 * under a symbol described `fastify.context` on each request
 * (docs/internals/framework-facts.md). It is found on the first request and
 * proven there (same object as `routeOptions.config`); when it is missing or
 * differs, or the request comes from another copy of Fastify, kit reads
 * `routeOptions` as before.
 */

type FastifyRequestLike = { routeOptions: { config?: unknown } }
type RouteConfig = Record<string | symbol, unknown> & { url?: string }

let contextKey: symbol | null | undefined

function findContextKey(request: object): symbol | null {
  const key = Object.getOwnPropertySymbols(request).find((s) => s.description === 'fastify.context')
  if (key === undefined) return null
  const context = (request as Record<symbol, { config?: unknown } | undefined>)[key]
  const config = (request as FastifyRequestLike).routeOptions.config
  return context !== undefined && context.config === config && typeof config === 'object' ? key : null
}

/** The route's config object, the one `request.routeOptions.config` returns (undefined when Fastify has none). */
export function fastifyRouteConfig(request: object): RouteConfig | undefined {
  if (contextKey === undefined) contextKey = findContextKey(request)
  if (contextKey !== null) {
    const context = (request as Record<symbol, { config?: RouteConfig } | undefined>)[contextKey]
    if (context !== undefined) return context.config
  }
  return (request as FastifyRequestLike).routeOptions.config as RouteConfig | undefined
}
