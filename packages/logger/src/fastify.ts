export { fastifyLoggerOptions, type KitFastifyServerOptions } from './fastify-options.ts'
export { type KitLoggerPluginOptions, kitLoggerPlugin, requestLoggerHook } from './fastify-plugin.ts'
export { setResponseError } from './request-line.ts'
export type { RequestLoggerOptions } from './request-options.ts'
