import { randomUUID } from 'node:crypto'
import { createDebug, KitError, type KitLogger } from '@kit/internal'
import type { Redis } from 'ioredis'
import type { Knex } from 'knex'
import { type Listener, listenPostgres } from './invalidation/postgres.ts'
import { subscribeRedis } from './invalidation/redis.ts'
import type { FlagsConfig } from './options.ts'
import { createOutageLog, type OutageLog } from './outage.ts'
import { readStoredFlags, type StoredFlag, type WriteRequest } from './store/database.ts'
import { type Dialect, dialectOf } from './store/dialect.ts'
import { isMissingTable } from './store/schema.ts'

const debug = createDebug('flags')

/**
 * Keeps the database layer in memory: one read at start-up, a re-read when
 * another instance announces a change (Postgres NOTIFY, Redis pub/sub) and
 * on a polling timer. A failed read leaves the last rows in place.
 */
export class DatabaseSync {
  readonly knex: Knex
  readonly dialect: Dialect
  readonly #redis: Redis | undefined
  readonly #config: FlagsConfig
  readonly #log: KitLogger
  readonly #apply: (rows: StoredFlag[]) => void
  /** Marks this instance's announcements, which it has applied already. */
  readonly #instance = randomUUID()
  readonly #outage: OutageLog
  #started: Promise<void> | undefined
  #reloading: Promise<void> | undefined
  #reloadAgain = false
  #missingTableLogged = false
  #timer: NodeJS.Timeout | undefined
  #channels: Listener[] = []
  #closed = false

  constructor(
    knex: Knex,
    redis: Redis | undefined,
    config: FlagsConfig,
    log: KitLogger,
    nodeEnv: string | undefined,
    apply: (rows: StoredFlag[]) => void,
  ) {
    this.knex = knex
    this.dialect = dialectOf(knex)
    this.#redis = redis
    this.#config = config
    this.#log = log
    this.#apply = apply
    this.#outage = createOutageLog(
      log,
      'Reading feature flags from the database',
      'the last known values keep serving',
      config.outageLogIntervalMs,
    )
    if (config.invalidation === 'postgres' && this.dialect !== 'postgres') {
      throw new KitError(
        'KIT_FLAGS_INVALID_OPTION',
        `invalidation: 'postgres' needs a Postgres server database (LISTEN/NOTIFY), but the database is ${this.dialect}. Use 'redis' with REDIS_URL, or 'auto'.`,
      )
    }
    if (nodeEnv === 'production' && this.dialect === 'mysql' && !this.#usesRedis()) {
      log.warn(
        `Flag changes reach other instances only by polling (every ${this.#pollInterval() / 1000} s): MySQL/MariaDB has no LISTEN/NOTIFY. Set REDIS_URL so changes arrive within a second.`,
      )
    }
  }

  #usesPostgres(): boolean {
    return this.dialect === 'postgres' && ['auto', 'postgres'].includes(this.#config.invalidation)
  }

  #usesRedis(): boolean {
    return this.#redis !== undefined && ['auto', 'redis'].includes(this.#config.invalidation)
  }

  #pollInterval(): number {
    return this.#config.pollIntervalMs ?? (this.#usesPostgres() || this.#usesRedis() ? 30_000 : 5000)
  }

  start(): Promise<void> {
    this.#started ??= this.#startOnce()
    return this.#started
  }

  async #startOnce(): Promise<void> {
    if (this.#closed) return
    let timer: NodeJS.Timeout | undefined
    const timedOut = new Promise<boolean>((resolve) => {
      timer = setTimeout(() => resolve(true), this.#config.startTimeoutMs)
    })
    const tookTooLong = await Promise.race([this.reload().then(() => false), timedOut])
    clearTimeout(timer)
    if (tookTooLong && !this.#outage.down) {
      this.#log.warn(
        `The database did not answer within ${this.#config.startTimeoutMs} ms; flags serve code, file and env values until it does.`,
      )
    }
    if (this.#closed) return
    const handlers = {
      onMessage: (payload: string) => this.#onMessage(payload),
      onResync: () => void this.reload(),
    }
    const { channel, outageLogIntervalMs } = this.#config
    if (this.#usesPostgres()) {
      this.#channels.push(listenPostgres(this.knex, channel, handlers, this.#log, outageLogIntervalMs))
    }
    if (this.#usesRedis()) {
      this.#channels.push(subscribeRedis(this.#redis!, channel, handlers, this.#log, outageLogIntervalMs))
    }
    this.#timer = setInterval(() => void this.reload(), this.#pollInterval())
    this.#timer.unref()
  }

  #onMessage(payload: string): void {
    let origin: unknown
    try {
      origin = (JSON.parse(payload) as { origin?: unknown }).origin
    } catch {
      // Not ours, or truncated: reloading is always correct.
    }
    // This instance applied its own change already. A change announced on both
    // channels is read twice; the reads are coalesced and cost one small query.
    if (origin === this.#instance) return
    debug('change announced: %s', payload)
    void this.reload()
  }

  /** One read at a time; a change announced during a read triggers one more. */
  reload(): Promise<void> {
    if (this.#reloading) {
      this.#reloadAgain = true
      return this.#reloading
    }
    this.#reloading = (async () => {
      do {
        this.#reloadAgain = false
        await this.#read()
      } while (this.#reloadAgain && !this.#closed)
    })().finally(() => {
      this.#reloading = undefined
    })
    return this.#reloading
  }

  async #read(): Promise<void> {
    let rows: StoredFlag[]
    try {
      rows = await readStoredFlags(this.knex)
    } catch (error) {
      if (!isMissingTable(error)) {
        // Last known values keep serving (or the lower layers, if nothing was ever read).
        this.#outage.failed(error)
        return
      }
      if (!this.#missingTableLogged) {
        this.#missingTableLogged = true
        this.#log.info(
          'The kit_feature_flags table does not exist yet (`kit release` creates it); flags serve code, file and env values.',
        )
      }
      rows = []
    }
    this.#outage.recovered()
    this.#apply(rows)
  }

  /** Postgres NOTIFY sent by the change's own transaction, whatever this instance listens to (the CLI listens to none). */
  notification(name: string): WriteRequest['notify'] {
    if (this.dialect !== 'postgres') return undefined
    return { channel: this.#config.channel, payload: (version) => this.#payload(name, version) }
  }

  /** Publishes a committed change on Redis, waiting at most a second: polling delivers it if this fails. */
  async announce(name: string, version: number): Promise<void> {
    if (!this.#redis) return
    let timer: NodeJS.Timeout | undefined
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error('no reply from Redis within 1000 ms')), 1000)
    })
    try {
      await Promise.race([this.#redis.publish(this.#config.channel, this.#payload(name, version)), timeout])
    } catch (error) {
      this.#log.warn(
        { err: { message: (error as Error).message }, flag: name },
        'Could not announce a flag change on Redis; other instances see it with their next poll',
      )
    } finally {
      clearTimeout(timer)
    }
  }

  #payload(name: string, version: number): string {
    return JSON.stringify({ name, version, origin: this.#instance })
  }

  async close(): Promise<void> {
    if (this.#closed) return
    this.#closed = true
    if (this.#timer) clearInterval(this.#timer)
    const channels = this.#channels
    this.#channels = []
    await Promise.all(channels.map((channel) => channel.close()))
    await this.#reloading?.catch(() => {})
  }
}
