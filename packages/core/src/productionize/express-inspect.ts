import type { StartupWarning } from './startup-warnings.ts'

/** The parts of an Express 5 router layer kit reads (router@2 `Layer`). */
interface Layer {
  name?: string
  handle?: ((...args: any[]) => unknown) & {
    stack?: Layer[]
    logger?: { info?: unknown }
    resetKey?: unknown
    getKey?: unknown
  }
  route?: { stack?: Layer[] }
}

export interface ExpressRouterLike {
  router: { stack: Layer[] }
}

/** Layers of the app's router, in mounted routers too, and in routes (a limiter on one route counts). */
function* layersOf(stack: readonly Layer[], depth = 0): Generator<Layer> {
  for (const layer of stack) {
    yield layer
    if (depth > 4) continue
    if (layer.route?.stack) yield* layersOf(layer.route.stack, depth + 1)
    if (Array.isArray(layer.handle?.stack)) yield* layersOf(layer.handle.stack, depth + 1)
  }
}

/** Recognises the middleware kit replaces by what each package's factory returns (docs/internals/framework-facts.md). */
function identify(handle: NonNullable<Layer['handle']>): StartupWarning | undefined {
  if (handle.name === 'helmetMiddleware') return 'helmet'
  if (handle.name === 'corsMiddleware') return 'cors'
  if (typeof handle.resetKey === 'function' && typeof handle.getKey === 'function')
    return 'express-rate-limit'
  if (handle.logger && typeof handle.logger.info === 'function') return 'pino-http'
  if (handle.name === 'logger' && handle.length === 3) return 'morgan'
  return undefined
}

/** What the app added that kit already does, and whether it has its own error middleware. */
export function inspectExpressApp(
  app: ExpressRouterLike,
  kitHandles: ReadonlySet<unknown>,
): { duplicates: StartupWarning[]; ownErrorHandler: boolean } {
  const duplicates = new Set<StartupWarning>()
  let ownErrorHandler = false
  for (const layer of layersOf(app.router.stack)) {
    const handle = layer.handle
    if (!handle || kitHandles.has(handle)) continue
    const found = identify(handle)
    if (found) duplicates.add(found)
    // Express tells error middleware by its four parameters; route handlers never get an error.
    else if (handle.length === 4 && !layer.route) ownErrorHandler = true
  }
  return { duplicates: [...duplicates], ownErrorHandler }
}
