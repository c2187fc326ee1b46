import { KitError } from '@kit/internal'

export type Framework = 'express' | 'fastify'

/**
 * Tells an Express 5 app from a Fastify 5 instance by shape, without
 * importing either (kit never loads the framework the app does not use).
 */
export function detectFramework(app: unknown): Framework {
  const candidate = app as Record<string, unknown> | undefined
  if (
    candidate &&
    typeof candidate === 'object' &&
    'register' in candidate &&
    'addHook' in candidate &&
    'server' in candidate
  ) {
    return 'fastify'
  }
  if (typeof candidate === 'function' && 'use' in candidate && 'handle' in candidate && 'set' in candidate) {
    return 'express'
  }
  if (typeof candidate === 'function' && 'register' in candidate) {
    throw new KitError(
      'KIT_CORE_UNSUPPORTED_APP',
      'productionize() was given the Fastify factory, not an instance. Call it with the instance: `const app = Fastify(fastifyOptions(config)); await productionize(app, config)`.',
    )
  }
  throw new KitError(
    'KIT_CORE_UNSUPPORTED_APP',
    'productionize() needs an Express 5 app (`express()`) or a Fastify 5 instance (`Fastify()`); it got something else. Pass the app object itself, before adding routes.',
  )
}
