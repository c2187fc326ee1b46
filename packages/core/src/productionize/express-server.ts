import { createServer, IncomingMessage, type Server, ServerResponse } from 'node:http'

/** What this file needs of an Express app: its handler and the prototypes it gives req and res. */
export interface ExpressServable {
  (req: IncomingMessage, res: ServerResponse): void
  request: object
  response: object
}

/**
 * An HTTP server for an Express app whose requests and responses are built
 * with the app's own prototypes (app.request, app.response) from the start.
 *
 * Why: Express's app.handle() calls Object.setPrototypeOf(req, app.request)
 * and (res, app.response) on every request. On objects made by node:http's
 * own constructors that gives each req and res a map of its own, and from
 * then on V8 promotes every request to the old generation (about 8 KB per
 * request for bare Express, 20 KB with kit's steps; docs/internals/express-gc.md).
 * When the objects already have those prototypes, V8 has nothing to change
 * and the requests die young, as on plain node:http.
 */
export function createExpressServer(app: ExpressServable): Server {
  return createServer(
    {
      IncomingMessage: constructorWithPrototype<typeof IncomingMessage>(IncomingMessage, app.request),
      ServerResponse: constructorWithPrototype<typeof ServerResponse>(ServerResponse, app.response),
    },
    app,
  )
}

/**
 * A constructor that runs node's own (socket/request handling unchanged) and
 * returns an object whose prototype is `prototype` (which inherits from node's).
 * Reflect.construct with a new target works whether node's is a function or a class.
 */
function constructorWithPrototype<T extends abstract new (...args: any[]) => object>(
  base: T,
  prototype: object,
): T {
  function KitExpressMessage(...args: unknown[]): object {
    return Reflect.construct(base, args, KitExpressMessage)
  }
  KitExpressMessage.prototype = prototype
  return KitExpressMessage as unknown as T
}

/**
 * Express 5's app.listen() contract on such a server (kit takes Express 5
 * only, detect.ts): the arguments of server.listen(); a callback given last
 * runs once, on 'listening' or with the listen error, as it is also the
 * server's 'error' listener (docs/internals/framework-facts.md).
 */
export function listenExpress(app: ExpressServable, args: unknown[]): Server {
  const server = createExpressServer(app)
  const last = args[args.length - 1]
  if (typeof last === 'function') {
    let called = false
    const once = (...a: unknown[]): void => {
      if (called) return
      called = true
      last(...a)
    }
    args = [...args.slice(0, -1), once]
    server.once('error', once)
  }
  return server.listen(...(args as Parameters<Server['listen']>))
}
