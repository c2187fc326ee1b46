export { type ExpressMiddleware, type KitRequest, requestLogger } from './express-middleware.ts'
export { setResponseError } from './request-line.ts'
export type { RequestLoggerOptions } from './request-options.ts'
