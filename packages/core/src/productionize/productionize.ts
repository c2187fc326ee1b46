import type { KitEnvWith, NoAppShape } from '@kit/env'
import type { FlagDefinitions } from '@kit/flags'
import { KitError } from '@kit/internal'
import type { z } from 'zod'
import type { KitConfig } from '../config/types.ts'
import { detectFramework } from './detect.ts'
import { type GatedApp, holdExpressRequests } from './express-gate.ts'
import type { Kit } from './handle.ts'

/**
 * Makes an Express 5 app or a Fastify 5 instance production-ready (DESIGN §1):
 * validates env first (one aggregated KitError, nothing listens), then
 * installs the request pipeline of DESIGN §6 in order. Call it right after
 * creating the app, before adding routes.
 */
export async function productionize<
  const S extends z.ZodRawShape = NoAppShape,
  const F extends FlagDefinitions = FlagDefinitions,
>(app: unknown, config?: KitConfig<S, F>): Promise<Kit<KitEnvWith<S>, F>> {
  const framework = detectFramework(app)
  const resolved = (config ?? {}) as KitConfig
  if (typeof resolved !== 'object' || resolved === null || Array.isArray(resolved)) {
    throw new KitError(
      'KIT_CORE_CONFIG_INVALID',
      'productionize(app, config): config must be an object (usually the default export of kit.config.ts).',
    )
  }
  if (framework === 'fastify') {
    // Only the detected framework's adapter is loaded: an Express app never
    // loads kit's Fastify plugins (nor Fastify), and vice versa.
    const kit = await (await import('./fastify.ts')).productionizeFastify(app, resolved)
    return kit as unknown as Kit<KitEnvWith<S>, F>
  }
  // Before the first await: kit's place in front of the routes is taken now, so an app
  // that cannot await this call (CommonJS exporting `app`) still has kit before its routes.
  const gate = holdExpressRequests(app as GatedApp)
  const kit = await (await import('./express.ts'))
    .productionizeExpress(app, resolved, gate)
    .catch((error) => {
      gate.fail(error)
      throw error
    })
  return kit as unknown as Kit<KitEnvWith<S>, F>
}
