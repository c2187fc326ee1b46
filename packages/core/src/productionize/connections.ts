import { join, resolve } from 'node:path'
import type { KitLogger, ShutdownHook } from '@kit/internal'
import type { Redis } from 'ioredis'
import type { Knex } from 'knex'
import {
  createDatabase,
  type Database,
  type DatabaseEnv,
  type DatabaseOptions,
} from '../connections/database.ts'
import { createRedis, type RedisConnectionOptions, type RedisEnv } from '../connections/redis.ts'

/** What LazyConnections needs from productionize(). */
export interface ConnectionsContext {
  cwd: string
  log: KitLogger
  onCreate(hook: ShutdownHook): void
  /** Called once, just before the embedded PGlite is opened (the first use of kit.db without DATABASE_URL). */
  onEmbeddedDatabase?(directory: string): void
}

/**
 * `kit.db` and `kit.redis`, created on first use: an app that never touches
 * the database does not load knex, open PGlite or take its lock. Each
 * registers its shutdown hook in its phase (DESIGN §7) when it is created.
 */
export class LazyConnections {
  #database: Database | undefined
  #redis: Redis | undefined
  readonly #env: DatabaseEnv & RedisEnv
  readonly #options: { database?: DatabaseOptions; redis?: RedisConnectionOptions }
  readonly #context: ConnectionsContext

  constructor(
    env: DatabaseEnv & RedisEnv,
    options: { database?: DatabaseOptions; redis?: RedisConnectionOptions },
    context: ConnectionsContext,
  ) {
    this.#env = env
    this.#options = options
    this.#context = context
  }

  get hasRedis(): boolean {
    return Boolean(this.#env.REDIS_URL)
  }

  /** Where PGlite keeps its data when DATABASE_URL is unset. */
  get embeddedDirectory(): string {
    return resolve(this.#context.cwd, this.#options.database?.embeddedDirectory ?? join('.kit', 'pgdata'))
  }

  database(): Database {
    if (!this.#database) {
      if (!this.#env.DATABASE_URL) this.#context.onEmbeddedDatabase?.(this.embeddedDirectory)
      const database = createDatabase(this.#env, this.#options.database, this.#context)
      this.#database = database
      this.#context.log.debug({ database: database.description }, 'database connection pool created')
      this.#context.onCreate({ name: 'database', phase: 'database', close: () => database.knex.destroy() })
    }
    return this.#database
  }

  db(): Knex {
    return this.database().knex
  }

  redis(): Redis {
    if (!this.#redis) {
      const redis = createRedis(this.#env, this.#options.redis, { log: this.#context.log })
      this.#redis = redis
      this.#context.onCreate({
        name: 'redis',
        phase: 'redis',
        close: async () => {
          // QUIT waits for pending replies; if Redis is down, do not wait for it.
          await Promise.race([redis.quit().catch(() => {}), new Promise((r) => setTimeout(r, 1000).unref())])
          redis.disconnect()
        },
      })
    }
    return this.#redis
  }
}
