import { type KitEnvWith, loadEnv } from '@kit/env'
import { KitError, type KitLogger, type ShutdownHook } from '@kit/internal'
import type { createMailer, Mailer } from '@kit/mailer'
import type { z } from 'zod'
import type { KitConfig } from '../config/types.ts'
import { type TrustProxyForFrameworks, trustProxyFor } from '../connections/trust-proxy.ts'
import { resolveServerTimeouts, type ServerTimeouts } from '../server/timeouts.ts'
import { LazyConnections } from './connections.ts'
import type { Framework } from './detect.ts'

/** Everything productionize() resolves once and hands to each pipeline step. */
export interface KitContext {
  framework: Framework
  config: KitConfig
  env: KitEnvWith<z.ZodRawShape>
  production: boolean
  cwd: string
  trustProxy: TrustProxyForFrameworks
  connections: LazyConnections
  /** Whether kit.mailer exists: MAIL_PROVIDER (or config.mail.providers) names at least one provider. */
  mailerConfigured: boolean
  /** kit.mailer, created on first use. */
  mailer(): Mailer
  /** Features turned on, for the start-up line. */
  features: string[]
  /** Embedded defaults in use (doctor warns until production replaces them). */
  embedded: string[]
  /** kit.config `server`, resolved: set on the server by kit.listen(). */
  serverTimeouts: ServerTimeouts
}

export function resolveEnv(config: KitConfig, cwd: string): KitEnvWith<z.ZodRawShape> {
  return loadEnv({
    schema: (config.env ?? {}) as z.ZodRawShape,
    ...(config.preset !== undefined ? { preset: config.preset } : {}),
    ...(config.envSource !== undefined ? { source: config.envSource } : {}),
    cwd,
  }) as KitEnvWith<z.ZodRawShape>
}

/** Whether kit.mailer exists: MAIL_PROVIDER (or config.mail.providers) names at least one provider. */
export function mailerConfigured(config: KitConfig, env: KitEnvWith<z.ZodRawShape>): boolean {
  return env.MAIL_PROVIDER.length > 0 || config.mail?.providers !== undefined
}

/** `createMailer` is @kit/mailer's, passed in only when mail is configured (the package is imported only then). */
export function createContext(
  framework: Framework,
  config: KitConfig,
  env: KitEnvWith<z.ZodRawShape>,
  log: KitLogger,
  cwd: string,
  addShutdownHook: (hook: ShutdownHook) => void,
  create: typeof createMailer | undefined,
  onEmbeddedDatabase?: (directory: string) => void,
): KitContext {
  const connections = new LazyConnections(
    { ...env, DYNO: process.env.DYNO },
    { database: config.database ?? {}, redis: config.redis ?? {} },
    { cwd, log, onCreate: addShutdownHook, ...(onEmbeddedDatabase ? { onEmbeddedDatabase } : {}) },
  )
  let mailer: Mailer | undefined
  const mailOptions = config.mail ?? {}
  return {
    mailerConfigured: create !== undefined,
    mailer() {
      if (!create)
        throw new KitError(
          'KIT_CORE_MAIL_NOT_CONFIGURED',
          'kit.mailer needs MAIL_PROVIDER (or kit.config `mail.providers`) to be set.',
        )
      if (!mailer) {
        const created = create(mailOptions, { env, log, cwd })
        mailer = created
        addShutdownHook({ name: 'mailer', phase: 'mailer', close: () => created.close() })
      }
      return mailer
    },
    framework,
    config,
    env,
    production: env.NODE_ENV === 'production',
    cwd,
    trustProxy: trustProxyFor(env.TRUST_PROXY),
    connections,
    features: [],
    embedded: [],
    serverTimeouts: resolveServerTimeouts(config.server),
  }
}
