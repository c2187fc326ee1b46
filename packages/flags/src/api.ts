import type { KitLogger, KitRedis, ShutdownHook } from '@kit/internal'
import type { Knex } from 'knex'
import type { Change, Targeting } from './changes.ts'
import type { RequestFlags } from './request.ts'
import type { FlagsEnv } from './sources/env.ts'
import type { AuditEntry } from './store/database.ts'
import type {
  EvaluationContext,
  FlagDefinitions,
  FlagEvaluation,
  FlagName,
  FlagSource,
  FlagState,
  FlagValue,
  FlagValueOf,
} from './types.ts'

/** What createFlags() is given besides its options; @kit/core fills it from the app's connections. */
export interface FlagsContext {
  /** FEATURE_FLAGS, FLAG_* and NODE_ENV. @default process.env */
  env?: FlagsEnv | Readonly<Record<string, string | undefined>>
  log?: KitLogger
  /** The database of run-time changes (Postgres, MySQL/MariaDB, PGlite). Without it flags come from code, file and env only. */
  knex?: Knex
  /** Redis for pub/sub invalidation (ioredis; a duplicate connection subscribes). */
  redis?: KitRedis
  /** Where flags.json is looked up. @default process.cwd() */
  cwd?: string
}

export interface ChangeOptions {
  /** Who made the change, kept in the audit row. @default 'app' */
  actor?: string
}

/** What a run-time change did. */
export interface FlagChange {
  name: string
  action: Change['action']
  actor: string
  before: FlagState | undefined
  after: FlagState | undefined
  version: number
  at: Date
}

/** One flag as `kit flags list` shows it. */
export interface FlagInfo {
  name: string
  kind: 'boolean' | 'string' | 'number'
  description: string | undefined
  defaultValue: FlagValue
  variants: readonly FlagValue[] | undefined
  /** The layer that decides the flag now. */
  source: FlagSource
  /** The state that layer holds (undefined: the code default). */
  state: FlagState | undefined
  /** What a request without user or attributes gets. */
  anonymous: FlagEvaluation
  updatedAt?: Date
  updatedBy?: string
  version?: number
}

export interface Flags<D extends FlagDefinitions = FlagDefinitions> {
  readonly definitions: D
  /** Reads the database once, subscribes to changes from other instances and starts the polling fallback. Idempotent. */
  start(): Promise<void>
  /** Reads the database once, without subscribing (scripts, the CLI). */
  load(): Promise<void>
  get<K extends FlagName<D>>(name: K, context?: EvaluationContext): FlagValueOf<D[K]>
  isEnabled(name: FlagName<D>, context?: EvaluationContext): boolean
  /** The value of an A/B flag for this context (the same as get(), named for experiments). */
  variant<K extends FlagName<D>>(name: K, context?: EvaluationContext): FlagValueOf<D[K]>
  /** Value, reason, variant and deciding layer. */
  evaluate<K extends FlagName<D>>(name: K, context?: EvaluationContext): FlagEvaluation<FlagValueOf<D[K]>>
  /** Evaluations bound to a request's context (or a function returning it, called on first use). */
  forRequest(context?: EvaluationContext | (() => EvaluationContext | undefined)): RequestFlags<D>
  /** Boolean flags: on or off. Other flags: serve this value to everyone it is on for (replaces A/B weights). */
  set<K extends FlagName<D>>(name: K, value: FlagValueOf<D[K]>, options?: ChangeOptions): Promise<FlagChange>
  /** The kill switch: off serves false or the default; on restores the targeting. */
  toggle(name: FlagName<D>, enabled: boolean, options?: ChangeOptions): Promise<FlagChange>
  /** Turns the flag on for `percent` % of users (sticky buckets); 100 removes the limit. */
  rollout(
    name: FlagName<D>,
    percent: number,
    options?: ChangeOptions & { stickiness?: string },
  ): Promise<FlagChange>
  /** A/B weights of the values served when on: `{ a: 50, b: 50 }`. */
  setWeights(name: FlagName<D>, weights: Record<string, number>, options?: ChangeOptions): Promise<FlagChange>
  /** Allow and deny lists, attribute rules. */
  target(name: FlagName<D>, targeting: Targeting, options?: ChangeOptions): Promise<FlagChange>
  /** Removes the run-time state: the file, env and code values apply again. */
  reset(name: FlagName<D>, options?: ChangeOptions): Promise<FlagChange>
  list(): FlagInfo[]
  /** Audit rows, newest first. */
  history(name?: FlagName<D>, limit?: number): Promise<AuditEntry[]>
  /** Called with the names whose state changed (from the database, after a change here or elsewhere). */
  onChange(listener: (names: string[]) => void): () => void
  readonly shutdownHook: ShutdownHook
  /** Stops listening and polling; the knex and Redis clients stay open (their owner closes them). */
  close(): Promise<void>
}
