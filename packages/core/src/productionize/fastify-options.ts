import type { KitEnvWith } from '@kit/env'
import { createLogger, type Logger } from '@kit/logger'
import { fastifyLoggerOptions } from '@kit/logger/fastify-options'
import type { z } from 'zod'
import type { KitConfig } from '../config/types.ts'
import { trustProxyFor } from '../connections/trust-proxy.ts'
import { resolveEnv } from './context.ts'

// Kept apart from fastify.ts: @kit/core's index exports fastifyOptions() to
// every app, and this file loads no Fastify plugin and no Fastify (the
// Fastify adapter is imported only for a Fastify app; docs/internals/module-loading.md).

interface Prepared {
  env: KitEnvWith<z.ZodRawShape>
  log: Logger
  cwd: string
}

// fastifyOptions() prepares env and logger once; productionize() finds them again through the logger instance.
const prepared = new WeakMap<object, Prepared>()

/**
 * Options for `Fastify(...)`. Fastify reads its logger and `trustProxy` only at
 * construction, so these come before productionize(): the same pino
 * instance, request ids, TRUST_PROXY (a hop count becomes a function, since
 * Fastify ≥ 5.12.1 ignores numbers), and MAX_UPLOAD_SIZE as `bodyLimit`.
 */
export function fastifyOptions(config: KitConfig = {}): Record<string, unknown> {
  const cwd = config.cwd ?? process.cwd()
  const env = resolveEnv(config, cwd)
  const log = createLogger(config.logger ?? {}, { env })
  prepared.set(log, { env, log, cwd })
  const trust = trustProxyFor(env.TRUST_PROXY)
  return {
    ...fastifyLoggerOptions(log),
    ...(trust.fastify === false ? {} : { trustProxy: trust.fastify }),
    bodyLimit: env.MAX_UPLOAD_SIZE,
  }
}

/** What fastifyOptions() prepared for this app. Fastify wraps the loggerInstance in a child (Object.create of it): walk up to ours. */
export function findPrepared(log: unknown): Prepared | undefined {
  for (let o = log; o !== null && typeof o === 'object'; o = Object.getPrototypeOf(o)) {
    const found = prepared.get(o)
    if (found) return found
  }
  return undefined
}
