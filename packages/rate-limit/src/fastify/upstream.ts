import { createRequire } from 'node:module'
import type { FastifyPluginAsync, FastifyRequest } from 'fastify'

/**
 * @fastify/rate-limit, loaded without its type declarations: they type the
 * route option `config.rateLimit` as its own object, and ours is a tier name
 * (see ./route-config.ts). Only the part we call is typed here.
 */
export interface UpstreamStore {
  incr(key: string, callback: (error: Error | null, result?: { current: number; ttl: number }) => void): void
  child(params: Record<string, unknown>): UpstreamStore
}

export type UpstreamResult =
  | { isAllowed: true; key: string }
  | {
      isAllowed: false
      key: string
      max: number
      remaining: number
      ttl: number
      isExceeded: boolean
    }

export interface UpstreamDecorations {
  createRateLimit(options: Record<string, unknown>): (request: FastifyRequest) => Promise<UpstreamResult>
}

export const fastifyRateLimit: FastifyPluginAsync<Record<string, unknown>> = createRequire(import.meta.url)(
  '@fastify/rate-limit',
)
