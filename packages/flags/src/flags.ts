import {
  createDebug,
  didYouMean,
  KitError,
  type KitLogger,
  type ShutdownHook,
  silentLogger,
} from '@kit/internal'
import type { Redis } from 'ioredis'
import type { ChangeOptions, FlagChange, FlagInfo, Flags, FlagsContext } from './api.ts'
import { applyChange, type Change, type Targeting } from './changes.ts'
import { type CompiledFlag, compileFlag, evaluateFlag } from './compile.ts'
import { type ResolvedDefinition, resolveDefinitions } from './definitions.ts'
import { type FlagsConfig, type FlagsOptions, parseOptions } from './options.ts'
import { BoundFlags, type RequestFlags } from './request.ts'
import { readEnvLayer } from './sources/env.ts'
import { readFileLayer } from './sources/file.ts'
import type { Layer } from './sources/layer.ts'
import { parseState } from './state.ts'
import { type AuditEntry, readAudit, type StoredFlag, writeStoredFlag } from './store/database.ts'
import { ensureFlagsTable, isMissingTable } from './store/schema.ts'
import { DatabaseSync } from './sync.ts'
import type {
  EvaluationContext,
  FlagDefinitions,
  FlagEvaluation,
  FlagSource,
  FlagState,
  FlagValue,
} from './types.ts'

export type { ChangeOptions, FlagChange, FlagInfo, Flags, FlagsContext } from './api.ts'

const debug = createDebug('flags')

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
  readonly #log: KitLogger
  readonly #sync: DatabaseSync | undefined
  readonly #file: Layer
  readonly #env: Layer
  readonly #database = new Map<string, DatabaseEntry>()
  #compiled = new Map<string, CompiledFlag>()
  readonly #listeners = new Set<(names: string[]) => void>()
  readonly #rejectedRows = new Set<string>()
  #tableReady: Promise<void> | undefined

  constructor(definitions: FlagDefinitions, config: FlagsConfig, context: FlagsContext) {
    this.definitions = definitions
    this.#definitions = resolveDefinitions(definitions)
    this.#log = context.log ?? silentLogger
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
    if (config.invalidation === 'postgres' && !context.knex) {
      throw new KitError(
        'KIT_FLAGS_INVALID_OPTION',
        "invalidation: 'postgres' needs a Postgres server database (LISTEN/NOTIFY), but no database was given. Set DATABASE_URL (or pass `knex`), or use 'auto'.",
      )
    }
    if (config.invalidation === 'redis' && !context.redis) {
      throw new KitError(
        'KIT_FLAGS_INVALID_OPTION',
        "invalidation: 'redis' needs a Redis client (set REDIS_URL, or pass `redis` to createFlags), and none was given.",
      )
    }
    this.#sync = context.knex
      ? new DatabaseSync(
          context.knex,
          context.redis as Redis | undefined /* KitRedis in the public type: at run time an ioredis client */,
          config,
          this.#log,
          env.NODE_ENV,
          (rows) => this.#applyRows(rows),
        )
      : undefined
    this.#rebuild()
    this.shutdownHook = { name: 'flags', close: () => this.close(), timeoutMs: 2000 }
    debug(
      'flags=%d file=%s env=%d database=%s invalidation=%s',
      this.#definitions.size,
      file.path ?? 'none',
      this.#env.size,
      this.#sync?.dialect ?? 'none',
      config.invalidation,
    )
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

  // ---- database ----

  /** Reads the database once, without subscribing (scripts, the CLI). */
  load(): Promise<void> {
    return this.#sync?.reload() ?? Promise.resolve()
  }

  start(): Promise<void> {
    return this.#sync?.start() ?? Promise.resolve()
  }

  // ---- run-time changes ----

  async #change(name: string, change: Change, options: ChangeOptions | undefined): Promise<FlagChange> {
    const definition = this.#definitions.get(name)
    if (!definition) throw this.#unknown(name)
    const sync = this.#sync
    if (!sync) {
      throw new KitError(
        'KIT_FLAGS_NO_DATABASE',
        `Changing flag "${name}" at run time needs a database: set DATABASE_URL (or pass \`knex\` to createFlags). Without one, set it in flags.json or ${definition.envName}.`,
      )
    }
    const actor = (options?.actor ?? 'app').slice(0, MAX_ACTOR)
    const where = `flags.${change.action}(${JSON.stringify(name)})`
    // Checked before touching the database, so a bad value never opens a transaction.
    applyChange(definition, this.#lowerState(name), change, where)
    this.#tableReady ??= ensureFlagsTable(sync.knex).catch((error: unknown) => {
      this.#tableReady = undefined
      throw error
    })
    await this.#tableReady
    const lower = this.#lowerState(name)
    const result = await writeStoredFlag(sync.knex, {
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
      notify: sync.notification(name),
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
    await sync.announce(name, result.version)
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
    if (!this.#sync) return []
    try {
      return await readAudit(this.#sync.knex, name, limit)
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
    await this.#sync?.close()
    this.#listeners.clear()
  }
}
