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
    const version = candidate.version
    if (typeof version === 'string' && Number.parseInt(version, 10) < 5)
      throw olderMajor('Fastify', version, 'fastify')
    return 'fastify'
  }
  if (typeof candidate === 'function' && 'use' in candidate && 'handle' in candidate && 'set' in candidate) {
    if (!hasExpress5Router(candidate)) throw olderMajor('Express', '4', 'express')
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

/**
 * Express 5 keeps its router on `app.router`; Express 4 made that getter
 * throw ("'app.router' is deprecated!") and kept the router on `app._router`.
 */
function hasExpress5Router(app: Record<string, unknown> | ((...args: never[]) => unknown)): boolean {
  try {
    const router = (app as { router?: { stack?: unknown } }).router
    return Array.isArray(router?.stack)
  } catch {
    return false
  }
}

function olderMajor(name: string, version: string, pkg: string): KitError {
  return new KitError(
    'KIT_CORE_UNSUPPORTED_APP',
    `productionize() needs ${name} 5; this app runs ${name} ${version}. Upgrade it first (\`npm install ${pkg}@5\`; ${name}'s migration guide lists the breaking changes), then call productionize() again.`,
  )
}
