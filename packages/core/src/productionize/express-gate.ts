import type { IncomingMessage, Server, ServerResponse } from 'node:http'

type Next = (error?: unknown) => void
type Middleware = (req: IncomingMessage, res: ServerResponse, next: Next) => unknown
type Final = (req: IncomingMessage, res: ServerResponse) => Next

interface Layer {
  handle?: unknown
  route?: unknown
}
/** The parts of an Express 5 app the gate touches. */
export interface GatedApp {
  router: { stack: Layer[] }
  use(handler: Middleware): unknown
  handle(req: IncomingMessage, res: ServerResponse, callback?: Next): void
  listen(...args: unknown[]): Server
}

export interface ExpressGate {
  /** Routes on the router when productionize() was called (too late for them: a start-up warning). */
  readonly routesBefore: number
  /** kit's own handles on the router, recorded before the app adds its own (duplicate detection skips them). */
  readonly kitHandles: Set<unknown>
  /** Express's own app.listen, for kit.listen() (the app's app.listen is wrapped: see onAppListen). */
  readonly listen: (...args: unknown[]) => Server
  /**
   * Setup done: kit's pipeline takes the gate's place, kit's final handler and
   * first-request check are in, and every server the app's own app.listen()
   * made (before or after this) is handed to `onAppListen`.
   */
  open(
    pipeline: Middleware,
    final: Final,
    onFirstRequest: () => void,
    onAppListen: (server: Server) => void,
  ): void
  /** Setup failed: the gate leaves, held requests get the error (a 500), productionize()'s promise rejects. */
  fail(error: unknown): void
}

/**
 * Takes kit's place on an Express router synchronously, inside the
 * productionize() call and before its first await, so an app that does not
 * (or cannot) await it — a CommonJS module exporting `app` for supertest,
 * where top-level await does not exist — still gets kit's pipeline in front
 * of the routes it adds next. Requests that arrive while kit is still setting
 * up wait for it; once set up, kit's pipeline replaces the gate on the
 * router, so it costs nothing per request afterwards.
 * See docs/internals/express-gate.md.
 */
export function holdExpressRequests(app: GatedApp): ExpressGate {
  const routesBefore = app.router.stack.filter((layer) => layer.route !== undefined).length
  let pipeline: Middleware | undefined
  let final: Final | undefined
  let failure: { error: unknown } | undefined
  let firstRequest: (() => void) | undefined
  const waiting: Array<() => void> = []

  const gate: Middleware = function kitPipeline(req, res, next) {
    if (failure) return next(failure.error)
    if (pipeline) return pipeline(req, res, next)
    waiting.push(() => (failure ? next(failure.error) : pipeline!(req, res, next)))
  }
  app.use(gate)
  const kitHandles = new Set<unknown>(app.router.stack.map((layer) => layer.handle))

  // Express calls app.handle(req, res) for every request of a server made from the app; a mounted app gets its parent's `next`.
  const handle = app.handle
  app.handle = function kitHandle(this: GatedApp, req, res, callback) {
    if (firstRequest) {
      const run = firstRequest
      firstRequest = undefined
      run()
    }
    return handle.call(this, req, res, callback ?? finalFor(req, res))
  }
  const finalFor = (req: IncomingMessage, res: ServerResponse): Next =>
    final ? final(req, res) : (error) => (final ? final(req, res)(error) : failedSetup(res, error))

  // The app's own app.listen() — often called in the same tick as productionize(), by a
  // CommonJS server.js that requires the app: servers made before setup is done are kept
  // and handed over by open(), so readiness, drain and timeouts still apply to them.
  const listen = app.listen
  const appServers: Server[] = []
  let onAppListen: ((server: Server) => void) | undefined
  app.listen = function kitAppListen(this: GatedApp, ...args: unknown[]) {
    const server = listen.apply(this, args)
    if (onAppListen) onAppListen(server)
    else appServers.push(server)
    return server
  }

  const release = (): void => {
    for (const run of waiting.splice(0)) run()
  }
  return {
    routesBefore,
    kitHandles,
    listen,
    open(middleware, finalHandler, onFirstRequest, appListened) {
      pipeline = middleware
      final = finalHandler
      firstRequest = onFirstRequest
      kitHandles.add(middleware)
      const layer = app.router.stack.find((l) => l.handle === gate)
      if (layer) layer.handle = middleware
      onAppListen = appListened
      for (const server of appServers.splice(0)) appListened(server)
      release()
    },
    fail(error) {
      // Bad env installs nothing: the gate leaves the router and app.handle and app.listen are Express's again.
      failure = { error }
      const index = app.router.stack.findIndex((l) => l.handle === gate)
      if (index !== -1) app.router.stack.splice(index, 1)
      app.handle = handle
      app.listen = listen
      appServers.length = 0
      release()
    },
  }
}

/** Before kit's error handler exists (its setup failed): a bare 500 that leaks nothing. */
function failedSetup(res: ServerResponse, error: unknown): void {
  if (res.headersSent) return void res.destroy()
  const body = JSON.stringify({
    error: { status: error ? 500 : 404, title: error ? 'Internal Server Error' : 'Not Found' },
  })
  res.statusCode = error ? 500 : 404
  res.setHeader('Content-Type', 'application/json; charset=utf-8')
  res.end(body)
}
