/**
 * Shapes that several kit packages agree on, kept here so that no package
 * has to depend on another just for a type. Every package works on its own;
 * @kit/core passes these between them.
 */
import type { IncomingMessage } from 'node:http'

type LogFn = {
  (message: string): void
  (object: object, message?: string): void
}

/** The part of a pino logger kit packages use. A pino instance satisfies it. */
export interface KitLogger {
  fatal: LogFn
  error: LogFn
  warn: LogFn
  info: LogFn
  debug: LogFn
  trace: LogFn
  child(bindings: Record<string, unknown>): KitLogger
}

/** A logger that drops everything: the default when a package is used without one. */
export const silentLogger: KitLogger = {
  fatal: () => {},
  error: () => {},
  warn: () => {},
  info: () => {},
  debug: () => {},
  trace: () => {},
  child: () => silentLogger,
}

/** IETF health-check draft statuses. */
export type HealthStatus = 'pass' | 'warn' | 'fail'

export interface HealthCheckResult {
  status?: HealthStatus
  observedValue?: number | string | boolean
  observedUnit?: string
  /** Human-readable detail; never a secret or a stack trace. */
  output?: string
}

/** A dependency check (database, Redis, mailer, user's own), run by @kit/health. */
export interface HealthCheck {
  name: string
  /** A failing critical check makes readiness 503; a non-critical one only warns. @default true */
  critical?: boolean
  /** @default 2000 */
  timeoutMs?: number
  /** Reuse the last result for this long. @default 0 */
  cacheForMs?: number
  /** Resolve (optionally with details) when healthy; throw or resolve `{ status: 'fail' }` when not. */
  check(): Promise<HealthCheckResult | undefined | void> | HealthCheckResult | undefined | void
}

/**
 * A resource closed during graceful shutdown. Hooks run phase by phase in
 * @kit/health's declared order (DESIGN §7); within a phase, in reverse order of registration.
 */
export interface ShutdownHook {
  name: string
  close(): Promise<unknown> | unknown
  /** @default 5000 */
  timeoutMs?: number
  /** 'framework' | 'app' | 'flags' | 'metrics' | 'mailer' | 'redis' | 'database' | 'sentry' | 'logger'. @default 'app' */
  phase?: string
}

/** Decides that a request bypasses a feature (health routes bypass HTTPS redirects, rate limits...). */
export type SkipRequest = (req: IncomingMessage) => boolean
