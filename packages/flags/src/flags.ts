import { randomUUID } from 'node:crypto'
import { createDebug, KitError, type KitLogger, type ShutdownHook, silentLogger } from '@kit/internal'
import type { Redis } from 'ioredis'
import type { Knex } from 'knex'
import { applyChange, type Change, type Targeting } from './changes.ts'
import { type CompiledFlag, compileFlag, evaluateFlag } from './compile.ts'
import { type ResolvedDefinition, resolveDefinitions } from './definitions.ts'
import { type Listener, listenPostgres } from './invalidation/postgres.ts'
import { subscribeRedis } from './invalidation/redis.ts'
import { type FlagsConfig, type FlagsOptions, parseOptions } from './options.ts'
import { createOutageLog, type OutageLog } from './outage.ts'
import { BoundFlags, type RequestFlags } from './request.ts'
import { type FlagsEnv, readEnvLayer } from './sources/env.ts'
import { readFileLayer } from './sources/file.ts'
import type { Layer } from './sources/layer.ts'
import { parseState } from './state.ts'
import {
  type AuditEntry,
  readAudit,
  readStoredFlags,
  type StoredFlag,
  writeStoredFlag,
} from './store/database.ts'
import { type Dialect, dialectOf } from './store/dialect.ts'
import { ensureFlagsTable, isMissingTable } from './store/schema.ts'
import { didYouMean } from './suggest.ts'
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

const debug = createDebug('flags')

/** What createFlags() is given besides its options; @kit/core fills it from the app's connections. */
export interface FlagsContext {
  /** FEATURE_FLAGS, FLAG_* and NODE_ENV. @default process.env */
  env?: FlagsEnv | Readonly<Record<string, string | undefined>>
  log?: KitLogger
  /** The database of run-time changes (Postgres, MySQL/MariaDB, PGlite). Without it flags come from code, file and env only. */
  knex?: Knex
  /** Redis for pub/sub invalidation (ioredis; a duplicate connection subscribes). */
  redis?: Redis
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

interface DatabaseEntry extends StoredFlag {
  state: FlagState
}

const MAX_ACTOR = 191

/**
 * Typed feature flags over layered sources (code < flags.json < env <
 * database), evaluated synchronously from memory. See docs/feature-flags.md.
 */
export function createFlags<const D extends FlagDefinitions>(
  definitions: D,
  options?: FlagsOptions,
  context?: FlagsContext,
): Flags<D> {
  return new FeatureFlags(definitions, parseOptions(options), context ?? {}) as unknown as Flags<D>
}

class FeatureFlags {
  readonly definitions: FlagDefinitions
  readonly shutdownHook: ShutdownHook
  readonly #definitions: Map<string, ResolvedDefinition>
  readonly #config: FlagsConfig
  readonly #log: KitLogger
  readonly #knex: Knex | undefined
  readonly #redis: Redis | undefined
  readonly #dialect: Dialect | undefined
  readonly #file: Layer
  readonly #env: Layer
  readonly #database = new Map<string, DatabaseEntry>()
  #compiled = new Map<string, CompiledFlag>()
  readonly #listeners = new Set<(names: string[]) => void>()
  readonly #instance = randomUUID()
  readonly #outage: OutageLog
  readonly #rejectedRows = new Set<string>()
  #started: Promise<void> | undefined
  #reloading: Promise<void> | undefined
  #reloadAgain = false
  #tableReady: Promise<void> | undefined
  #missingTableLogged = false
  #timer: NodeJS.Timeout | undefined
  #channels: Listener[] = []
  #closed = false

  constructor(definitions: FlagDefinitions, config: FlagsConfig, context: FlagsContext) {
    this.definitions = definitions
    this.#definitions = resolveDefinitions(definitions)
    this.#config = config
    this.#log = context.log ?? silentLogger
    this.#knex = context.knex
    this.#redis = context.redis
    this.#dialect = context.knex ? dialectOf(context.knex) : undefined
    const env = (context.env ?? process.env) as Readonly<Record<string, string | undefined>>
    const file = readFileLayer(
      config.file,
      config.fileExplicit,
      context.cwd ?? process.cwd(),
      this.#definitions,
    )
    const fromEnv = readEnvLayer(env, this.#definitions)
    this.#file = file.layer
    this.#env = fromEnv.layer
    const unknown = [...file.unknown.map((name) => `${name} (in ${file.path})`), ...fromEnv.unknown]
    if (unknown.length > 0) {
      this.#log.warn(
        { flags: unknown },
        `Flag values for flags that are not defined are ignored: ${unknown.join('; ')}. Define them in kit.config \`flags\` or remove them.`,
      )
    }
    this.#checkChannels(env.NODE_ENV)
    this.#outage = createOutageLog(
      this.#log,
      'Reading feature flags from the database',
      'the last known values keep serving',
      config.outageLogIntervalMs,
    )
    this.#rebuild()
    this.shutdownHook = { name: 'flags', close: () => this.close(), timeoutMs: 2000 }
    debug(
      'flags=%d file=%s env=%d database=%s invalidation=%s',
      this.#definitions.size,
      file.path ?? 'none',
      this.#env.size,
      this.#dialect ?? 'none',
      config.invalidation,
    )
  }

  #checkChannels(nodeEnv: string | undefined): void {
    const { invalidation } = this.#config
    if (invalidation === 'postgres' && this.#dialect !== 'postgres') {
      throw new KitError(
        'KIT_FLAGS_INVALID_OPTION',
        `invalidation: 'postgres' needs a Postgres server database (LISTEN/NOTIFY), but the database is ${this.#dialect ?? 'not configured'}. Use 'redis' with REDIS_URL, or 'auto'.`,
      )
    }
    if (invalidation === 'redis' && !this.#redis) {
      throw new KitError(
        'KIT_FLAGS_INVALID_OPTION',
        `invalidation: 'redis' needs a Redis client (set REDIS_URL, or pass \`redis\` to createFlags), and none was given.`,
      )
    }
    if (nodeEnv === 'production' && this.#knex && this.#dialect === 'mysql' && !this.#usesRedis()) {
      this.#log.warn(
        `Flag changes reach other instances only by polling (every ${this.#pollInterval() / 1000} s): MySQL/MariaDB has no LISTEN/NOTIFY. Set REDIS_URL so changes arrive within a second.`,
      )
    }
  }

  #usesPostgres(): boolean {
    return (
      this.#dialect === 'postgres' &&
      (this.#config.invalidation === 'auto' || this.#config.invalidation === 'postgres')
    )
  }

  #usesRedis(): boolean {
    return (
      this.#redis !== undefined &&
      (this.#config.invalidation === 'auto' || this.#config.invalidation === 'redis')
    )
  }

  #pollInterval(): number {
    return this.#config.pollIntervalMs ?? (this.#usesPostgres() || this.#usesRedis() ? 30_000 : 5000)
  }

  // ---- evaluation (synchronous, from memory) ----

  #flag(name: string): CompiledFlag {
    const flag = this.#compiled.get(name)
    if (flag === undefined) throw this.#unknown(name)
    return flag
  }

  #unknown(name: unknown): KitError {
    const names = [...this.#definitions.keys()]
    const shown = names.slice(0, 10).join(', ') + (names.length > 10 ? ', ...' : '')
    return new KitError(
      'KIT_FLAGS_UNKNOWN_FLAG',
      `Unknown flag ${JSON.stringify(name)}.${typeof name === 'string' ? didYouMean(name, names) : ''} Defined flags: ${shown || 'none'}.`,
    )
  }

  evaluate(name: string, context?: EvaluationContext): FlagEvaluation {
    return evaluateFlag(this.#flag(name), context)
  }

  get(name: string, context?: EvaluationContext): FlagValue {
    return evaluateFlag(this.#flag(name), context).value
  }

  isEnabled(name: string, context?: EvaluationContext): boolean {
    return evaluateFlag(this.#flag(name), context).enabled
  }

  variant(name: string, context?: EvaluationContext): FlagValue {
    return evaluateFlag(this.#flag(name), context).value
  }

  forRequest(context?: EvaluationContext | (() => EvaluationContext | undefined)): RequestFlags {
    return new BoundFlags(this, context)
  }

  // ---- layers ----

  /** Recompiles every flag from its highest layer; tells listeners which ones changed. */
  #rebuild(): void {
    const next = new Map<string, CompiledFlag>()
    const changed: string[] = []
    for (const [name, definition] of this.#definitions) {
      const database = this.#database.get(name)
      const [state, source]: [FlagState | undefined, FlagSource] = database
        ? [database.state, 'database']
        : this.#env.has(name)
          ? [this.#env.get(name), 'env']
          : this.#file.has(name)
            ? [this.#file.get(name), 'file']
            : [undefined, 'default']
      const previous = this.#compiled.get(name)
      if (
        previous &&
        previous.source === source &&
        JSON.stringify(previous.state) === JSON.stringify(state)
      ) {
        next.set(name, previous)
        continue
      }
      next.set(name, compileFlag(definition, state, source))
      if (previous) changed.push(name)
    }
    this.#compiled = next
    if (changed.length === 0) return
    debug('changed: %s', changed.join(', '))
    for (const listener of this.#listeners) {
      try {
        listener(changed)
      } catch (error) {
        this.#log.error({ err: error }, 'A flag change listener threw')
      }
    }
  }

  /** The lower layers' state, the starting point of a first run-time change. */
  #lowerState(name: string): FlagState {
    return this.#env.get(name) ?? this.#file.get(name) ?? {}
  }

  #applyRows(rows: StoredFlag[]): void {
    this.#database.clear()
    for (const row of rows) {
      const definition = this.#definitions.get(row.name)
      // Rows of flags this version does not define (an older or newer deploy) are not ours to judge.
      if (!definition) continue
      try {
        const state = parseState(definition, JSON.parse(row.stateText), `database row ${row.name}`)
        this.#database.set(row.name, { ...row, state })
      } catch (error) {
        const key = `${row.name}@${row.version}`
        if (!this.#rejectedRows.has(key)) {
          this.#rejectedRows.add(key)
          this.#log.warn(
            { flag: row.name, version: row.version, err: { message: (error as Error).message } },
            `The database state of flag "${row.name}" does not fit its definition and is ignored; fix it with \`kit flags set\` or \`kit flags reset ${row.name}\`.`,
          )
        }
      }
    }
    this.#rebuild()
  }

  // ---- database sync ----

  load(): Promise<void> {
    return this.#reload()
  }

  start(): Promise<void> {
    this.#started ??= this.#startOnce()
    return this.#started
  }

  async #startOnce(): Promise<void> {
    if (!this.#knex || this.#closed) return
    let timer: NodeJS.Timeout | undefined
    const timedOut = new Promise<boolean>((resolve) => {
      timer = setTimeout(() => resolve(true), this.#config.startTimeoutMs)
    })
    const loaded = await Promise.race([this.#reload().then(() => false), timedOut])
    clearTimeout(timer)
    if (loaded && !this.#outage.down) {
      this.#log.warn(
        `The database did not answer within ${this.#config.startTimeoutMs} ms; flags serve code, file and env values until it does.`,
      )
    }
    if (this.#closed) return
    const handlers = {
      onMessage: (payload: string) => this.#onMessage(payload),
      onResync: () => void this.#reload(),
    }
    if (this.#usesPostgres()) {
      this.#channels.push(
        listenPostgres(
          this.#knex,
          this.#config.channel,
          handlers,
          this.#log,
          this.#config.outageLogIntervalMs,
        ),
      )
    }
    if (this.#usesRedis()) {
      this.#channels.push(
        subscribeRedis(
          this.#redis!,
          this.#config.channel,
          handlers,
          this.#log,
          this.#config.outageLogIntervalMs,
        ),
      )
    }
    this.#timer = setInterval(() => void this.#reload(), this.#pollInterval())
    this.#timer.unref()
  }

  #onMessage(payload: string): void {
    let message: { name?: unknown; version?: unknown; origin?: unknown } = {}
    try {
      message = JSON.parse(payload) as typeof message
    } catch {
      // Not ours, or truncated: reloading is always correct.
    }
    if (message.origin === this.#instance) return
    const known = typeof message.name === 'string' ? this.#database.get(message.name) : undefined
    // The same change announced twice (NOTIFY and Redis) is read once.
    if (known && typeof message.version === 'number' && known.version >= message.version) return
    debug('change announced: %s', payload)
    void this.#reload()
  }

  /** One read at a time; a change announced during a read triggers one more. */
  #reload(): Promise<void> {
    if (!this.#knex) return Promise.resolve()
    if (this.#reloading) {
      this.#reloadAgain = true
      return this.#reloading
    }
    this.#reloading = (async () => {
      do {
        this.#reloadAgain = false
        await this.#readDatabase(this.#knex!)
      } while (this.#reloadAgain && !this.#closed)
    })().finally(() => {
      this.#reloading = undefined
    })
    return this.#reloading
  }

  async #readDatabase(knex: Knex): Promise<void> {
    let rows: StoredFlag[]
    try {
      rows = await readStoredFlags(knex)
    } catch (error) {
      if (isMissingTable(error)) {
        if (!this.#missingTableLogged) {
          this.#missingTableLogged = true
          this.#log.info(
            'The kit_feature_flags table does not exist yet (`kit release` creates it); flags serve code, file and env values.',
          )
        }
        this.#outage.recovered()
        rows = []
      } else {
        // Last known values keep serving (or the lower layers, if nothing was ever read).
        this.#outage.failed(error)
        return
      }
    }
    this.#outage.recovered()
    this.#applyRows(rows)
  }

  // ---- run-time changes ----

  async #change(name: string, change: Change, options: ChangeOptions | undefined): Promise<FlagChange> {
    const definition = this.#definitions.get(name)
    if (!definition) throw this.#unknown(name)
    const knex = this.#knex
    if (!knex) {
      throw new KitError(
        'KIT_FLAGS_NO_DATABASE',
        `Changing flag "${name}" at run time needs a database: set DATABASE_URL (or pass \`knex\` to createFlags). Without one, set it in flags.json or ${definition.envName}.`,
      )
    }
    const actor = (options?.actor ?? 'app').slice(0, MAX_ACTOR)
    const where = `flags.${change.action}(${JSON.stringify(name)})`
    // Checked before touching the database, so a bad value never opens a transaction.
    applyChange(definition, this.#lowerState(name), change, where)
    this.#tableReady ??= ensureFlagsTable(knex).catch((error: unknown) => {
      this.#tableReady = undefined
      throw error
    })
    await this.#tableReady
    const lower = this.#lowerState(name)
    const result = await writeStoredFlag(knex, {
      name,
      action: change.action,
      actor,
      change: (stored) => {
        let base = lower
        if (stored !== undefined) {
          try {
            base = parseState(definition, stored, `database row ${name}`)
          } catch {
            // A row that no longer fits the definition is replaced rather than merged.
          }
        }
        return applyChange(definition, base, change, where)
      },
      // Announced on every channel this process can reach, whatever it listens to itself (the CLI listens to none).
      ...(this.#dialect === 'postgres'
        ? {
            notify: {
              channel: this.#config.channel,
              payload: (version: number) => this.#payload(name, version),
            },
          }
        : {}),
    })
    const after = result.after as FlagState | undefined
    if (after === undefined) this.#database.delete(name)
    else {
      this.#database.set(name, {
        name,
        stateText: JSON.stringify(after),
        state: after,
        version: result.version,
        updatedAt: result.at,
        updatedBy: actor,
      })
    }
    this.#rebuild()
    if (this.#redis) {
      await this.#redis
        .publish(this.#config.channel, this.#payload(name, result.version))
        .catch((error: Error) =>
          this.#log.warn(
            { err: { message: error.message }, flag: name },
            'Could not announce a flag change on Redis; other instances see it with their next poll',
          ),
        )
    }
    this.#log.info(
      { flag: name, action: change.action, actor, version: result.version },
      `flag ${name} changed (${change.action})`,
    )
    return {
      name,
      action: change.action,
      actor,
      before: result.before as FlagState | undefined,
      after,
      version: result.version,
      at: result.at,
    }
  }

  #payload(name: string, version: number): string {
    return JSON.stringify({ name, version, origin: this.#instance })
  }

  set(name: string, value: FlagValue, options?: ChangeOptions): Promise<FlagChange> {
    return this.#change(name, { action: 'set', value }, options)
  }

  toggle(name: string, enabled: boolean, options?: ChangeOptions): Promise<FlagChange> {
    return this.#change(name, { action: 'toggle', enabled }, options)
  }

  rollout(
    name: string,
    percent: number,
    options?: ChangeOptions & { stickiness?: string },
  ): Promise<FlagChange> {
    return this.#change(name, { action: 'rollout', percent, stickiness: options?.stickiness }, options)
  }

  setWeights(name: string, weights: Record<string, number>, options?: ChangeOptions): Promise<FlagChange> {
    return this.#change(name, { action: 'weights', weights }, options)
  }

  target(name: string, targeting: Targeting, options?: ChangeOptions): Promise<FlagChange> {
    return this.#change(name, { action: 'target', targeting }, options)
  }

  reset(name: string, options?: ChangeOptions): Promise<FlagChange> {
    return this.#change(name, { action: 'reset' }, options)
  }

  // ---- introspection ----

  list(): FlagInfo[] {
    return [...this.#definitions.values()].map((definition) => {
      const flag = this.#compiled.get(definition.name)!
      const row = this.#database.get(definition.name)
      return {
        name: definition.name,
        kind: definition.kind,
        description: definition.description,
        defaultValue: definition.defaultValue,
        variants: definition.variants,
        source: flag.source,
        state: flag.state,
        anonymous: evaluateFlag(flag, undefined),
        ...(row ? { updatedAt: row.updatedAt, updatedBy: row.updatedBy, version: row.version } : {}),
      } as FlagInfo
    })
  }

  async history(name?: string, limit = 20): Promise<AuditEntry[]> {
    if (name !== undefined && !this.#definitions.has(name)) throw this.#unknown(name)
    if (!this.#knex) return []
    try {
      return await readAudit(this.#knex, name, limit)
    } catch (error) {
      if (isMissingTable(error)) return []
      throw error
    }
  }

  onChange(listener: (names: string[]) => void): () => void {
    this.#listeners.add(listener)
    return () => this.#listeners.delete(listener)
  }

  async close(): Promise<void> {
    if (this.#closed) return
    this.#closed = true
    if (this.#timer) clearInterval(this.#timer)
    const channels = this.#channels
    this.#channels = []
    await Promise.all(channels.map((channel) => channel.close()))
    await this.#reloading?.catch(() => {})
    this.#listeners.clear()
  }
}
