// @kit/core/fastify: fastifyOptions() and the Fastify type augmentations that
// come with kit (reply.cspNonce, request.flags, route `config.kitRateLimit` and
// `config.csrf`). Apart from the main entry because these types import
// `fastify`, which an Express app does not have: its TypeScript would fail on
// them (TS2307) with skipLibCheck off.
export type { KitFlagsPluginOptions } from '@kit/flags/fastify'
export type { KitRateLimitOptions } from '@kit/rate-limit/fastify'
export type { KitSecurityPluginOptions } from '@kit/security/fastify'
export { fastifyOptions } from './productionize/fastify-options.ts'
