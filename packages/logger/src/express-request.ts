import type { Logger } from 'pino'

// `req.id` and `req.log` on Express requests, for the app's own handlers.
// Declared on the global `Express` namespace (the open interfaces
// @types/express-serve-static-core merges into its Request), not with
// `declare module 'express'`: this file is reached from @kit/logger's and
// @kit/core's main entries, and must compile in an app without Express.
declare global {
  namespace Express {
    interface Request {
      /** This request's id (X-Request-Id when trusted, else a new UUID), also sent back as X-Request-Id. */
      id: string
      /** A child logger bound to this request's id: `req.log.info('...')`. */
      log: Logger
    }
  }
}
