import { type KitEnvWith, loadEnv } from '@kit/env'
import type { KitLogger, ShutdownHook } from '@kit/internal'
import { createMailer, type Mailer } from '@kit/mailer'
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

export function createContext(
  framework: Framework,
  config: KitConfig,
  env: KitEnvWith<z.ZodRawShape>,
  log: KitLogger,
  cwd: string,
  addShutdownHook: (hook: ShutdownHook) => void,
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
    mailerConfigured: env.MAIL_PROVIDER.length > 0 || mailOptions.providers !== undefined,
    mailer() {
      if (!mailer) {
        const created = createMailer(mailOptions, { env, log, cwd })
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
