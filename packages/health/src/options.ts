import type { HealthCheck, KitLogger } from '@kit/internal'

/** A check given in configuration: a function, or a check whose name defaults to its key. */
export type HealthCheckInput = HealthCheck['check'] | (Omit<HealthCheck, 'name'> & { name?: string })

export interface HealthPaths {
  /** Process alive and answering; never runs dependency checks. @default '/health/live' */
  live?: string
  /** Dependencies ok, started, not shutting down, not overloaded. @default '/health/ready' */
  ready?: string
  /** Readiness with every detail (uptime, load, checks). @default '/health' */
  summary?: string
  /** Alias of readiness (Rails, Laravel and Kamal look here); `false` turns it off. @default '/up' */
  up?: string | false
}

export interface LoadSheddingOptions {
  /** A sample breaks this limit when the event loop lagged longer than this in it; 0 turns it off. @default 1000 */
  maxEventLoopDelayMs?: number
  /** A sample breaks this limit when the event loop was busier than this fraction (0–1) of it; 0 turns it off. @default 0 */
  maxEventLoopUtilization?: number
  /** A sample breaks this limit when the V8 heap in use passes this many bytes; 0 turns it off. @default 90% of the V8 heap limit */
  maxHeapUsedBytes?: number
  /** A sample breaks this limit when the resident set size passes this many bytes; 0 turns it off. @default 0 */
  maxRssBytes?: number
  /** Length of one sample. @default 1000 */
  sampleIntervalMs?: number
  /**
   * Overloaded only after this long of samples in a row that each broke a
   * limit, and back to normal after as long under every limit. One block of
   * the loop, however long, falls in one sample and never trips it. @default 5000
   */
  sustainedMs?: number
  /** Samples are not counted for this long after the server starts listening (attach() / markStarted()). @default 10000 */
  warmUpMs?: number
  /** The `Retry-After` header of shed responses, in seconds. @default 10 */
  retryAfterSeconds?: number
  /**
   * Refuse requests (and fail readiness) while overloaded. When false, kit only
   * logs what it would shed. @default true when NODE_ENV is production, else false
   */
  enforce?: boolean
}

export interface HealthOptions {
  /** Where the endpoints answer; matched without query string, case-insensitively, trailing slash tolerated. */
  paths?: HealthPaths
  /** Dependency checks by name, added to `addCheck()`s. @default {} */
  checks?: Record<string, HealthCheckInput>
  /** Include the event-loop and memory checks (non-critical, they warn). @default true */
  systemChecks?: boolean
  /** Timeout of a check that sets none. @default 2000 */
  checkTimeoutMs?: number
  /**
   * A check runs at most once in this interval; requests in between get its
   * last result. Health routes bypass rate limits, so this bounds what a
   * flood of /health requests costs your database. 0 runs checks on every request.
   * @default 1000
   */
  minCheckIntervalMs?: number
  /** Shows details to requests carrying it (`Authorization: Bearer …` or `X-Health-Token`). @default env KIT_HEALTH_TOKEN */
  token?: string
  /** Show details to requests from loopback and private networks (not forwarded from a public address). @default true */
  trustPrivateNetwork?: boolean
  /** Turn readiness 503 and answer other requests 503 + Retry-After when the process is overloaded. `false` turns it off. */
  loadShedding?: LoadSheddingOptions | false
  /** Hard deadline of a graceful shutdown; past it the process exits 1. @default env SHUTDOWN_TIMEOUT_MS ?? 25000 */
  shutdownTimeoutMs?: number
  /** Time readiness stays 503 before the server stops accepting (5000 is the Kubernetes advice). @default env SHUTDOWN_READINESS_DELAY_MS ?? 0 */
  readinessDelayMs?: number
  /** Timeout of a shutdown hook that sets none. @default 5000 */
  hookTimeoutMs?: number
  /** Signals that start a graceful shutdown once `attach()` was called; `false` handles none. @default ['SIGTERM', 'SIGINT'] */
  signals?: NodeJS.Signals[] | false
  /** Ends the process after a shutdown of an attached instance; `false` never exits. @default process.exit */
  exit?: ((code: number) => void) | false
  /** IETF `version` field, shown with details. */
  version?: string
  /** IETF `releaseId` field, shown with details. */
  releaseId?: string
  /** IETF `serviceId` field, shown with details. */
  serviceId?: string
  /** IETF `description` field, shown with details. */
  description?: string
}

/** The part of the parsed env @kit/health reads (numbers may arrive as strings). */
export interface HealthEnv {
  NODE_ENV?: string
  KIT_HEALTH_TOKEN?: string
  SHUTDOWN_TIMEOUT_MS?: number | string
  SHUTDOWN_READINESS_DELAY_MS?: number | string
}

export interface HealthContext {
  log?: KitLogger
  env?: HealthEnv
  /** Host names the app serves: a private-network request naming one may see details (besides IP literals and localhost). */
  allowedHost?: (hostname: string) => boolean
}

export interface LoadSheddingConfig {
  maxEventLoopDelayMs: number
  maxEventLoopUtilization: number
  maxHeapUsedBytes: number
  maxRssBytes: number
  sampleIntervalMs: number
  sustainedMs: number
  warmUpMs: number
  retryAfterSeconds: number
  enforce: boolean
}

export interface HealthConfig {
  paths: { live: string; ready: string; summary: string; up: string | false }
  checks: Record<string, HealthCheckInput>
  systemChecks: boolean
  checkTimeoutMs: number
  minCheckIntervalMs: number
  token: string | undefined
  trustPrivateNetwork: boolean
  loadShedding: LoadSheddingConfig | false
  shutdownTimeoutMs: number
  readinessDelayMs: number
  hookTimeoutMs: number
  signals: NodeJS.Signals[]
  exit: ((code: number) => void) | false
  info: { version?: string; releaseId?: string; serviceId?: string; description?: string }
}

export const OPTION_NAMES: readonly string[] = [
  'paths',
  'checks',
  'systemChecks',
  'checkTimeoutMs',
  'minCheckIntervalMs',
  'token',
  'trustPrivateNetwork',
  'loadShedding',
  'shutdownTimeoutMs',
  'readinessDelayMs',
  'hookTimeoutMs',
  'signals',
  'exit',
  'version',
  'releaseId',
  'serviceId',
  'description',
]
export const PATH_NAMES: readonly string[] = ['live', 'ready', 'summary', 'up']
export const LOAD_SHEDDING_NAMES: readonly string[] = [
  'maxEventLoopDelayMs',
  'maxEventLoopUtilization',
  'maxHeapUsedBytes',
  'maxRssBytes',
  'sampleIntervalMs',
  'sustainedMs',
  'warmUpMs',
  'retryAfterSeconds',
  'enforce',
]
