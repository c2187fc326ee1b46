import { KitError } from '@kit/internal'
import { COUNT_ATTEMPT, DECREMENT, HIT, type RedisScript } from './redis-scripts.ts'
import type { Counter, RateLimitStore } from './types.ts'

/**
 * The part of an ioredis client the store uses (ioredis `Redis` and
 * `Cluster` satisfy it; brute-force counters need one node, see the docs).
 */
export interface RedisClientLike {
  /** ioredis connection state: 'ready' when commands go straight out. */
  readonly status?: string
  evalsha(sha1: string, numkeys: number, ...args: (string | number)[]): Promise<unknown>
  eval(script: string, numkeys: number, ...args: (string | number)[]): Promise<unknown>
  del(key: string): Promise<unknown>
}

/** Thrown (and caught by the limiter) when the store cannot answer. */
export class StoreUnavailableError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options)
    this.name = 'StoreUnavailableError'
  }
}

// While ioredis is between connections, a command would only wait in the
// offline queue (or fail): answer at once instead.
const DOWN = new Set(['reconnecting', 'close', 'end'])

function isNoScript(error: unknown): boolean {
  return error instanceof Error && error.message.startsWith('NOSCRIPT')
}

/**
 * Counters in Redis, shared by every instance of the app. Exactly one round
 * trip per call (two, once, after the server lost its script cache). The
 * store never connects, reconnects or closes the client: the app owns it.
 */
export class RedisStore implements RateLimitStore {
  readonly name = 'redis'
  readonly shared = true
  readonly #client: RedisClientLike

  constructor(client: RedisClientLike) {
    if (
      client === null ||
      typeof client !== 'object' ||
      typeof client.evalsha !== 'function' ||
      typeof client.eval !== 'function'
    ) {
      throw new KitError(
        'KIT_RATE_LIMIT_INVALID_REDIS_CLIENT',
        `The Redis store needs an ioredis client; got ${client === null ? 'null' : typeof client}. Pass \`new Redis(process.env.REDIS_URL)\` (ioredis) or leave \`redis\` unset for the memory store.`,
      )
    }
    this.#client = client
  }

  // The hot path (one call per limited request): no spread, no intermediate arrays.
  hit(key: string, windowMs: number): Promise<Counter> {
    const status = this.#client.status
    if (status !== undefined && DOWN.has(status)) {
      return Promise.reject(new StoreUnavailableError(`Redis is not connected (status: ${status}).`))
    }
    return this.#client.evalsha(HIT.sha, 1, key, windowMs).then(toHitCounter, (error: unknown) => {
      if (!isNoScript(error)) throw error
      return this.#client.eval(HIT.body, 1, key, windowMs).then(toHitCounter)
    })
  }

  async countAttempt(
    keys: readonly string[],
    windowMs: number,
    thresholds: readonly number[],
    blockMs: number,
  ): Promise<Counter[]> {
    const reply = await this.#run(COUNT_ATTEMPT, keys, [windowMs, blockMs, ...thresholds])
    return toCounters(reply, Date.now())
  }

  async decrement(keys: readonly string[]): Promise<void> {
    await this.#run(DECREMENT, keys, [])
  }

  async reset(key: string): Promise<void> {
    this.#assertUp()
    await this.#client.del(key)
  }

  /** One round trip through the same connection (and the same script path) the counters use. */
  async ping(): Promise<void> {
    this.#assertUp()
    await this.#client.eval('return 1', 0)
  }

  close(): void {}

  #assertUp(): void {
    const status = this.#client.status
    if (status !== undefined && DOWN.has(status)) {
      throw new StoreUnavailableError(`Redis is not connected (status: ${status}).`)
    }
  }

  async #run(script: RedisScript, keys: readonly string[], args: readonly number[]): Promise<unknown> {
    this.#assertUp()
    try {
      return await this.#client.evalsha(script.sha, keys.length, ...keys, ...args)
    } catch (error) {
      if (!isNoScript(error)) throw error
      // The server restarted or flushed its scripts: EVAL runs and re-caches it.
      return this.#client.eval(script.body, keys.length, ...keys, ...args)
    }
  }
}

function toHitCounter(reply: unknown): Counter {
  if (!Array.isArray(reply) || reply.length !== 2) return toCounters(reply, Date.now())[0]!
  const ttl = Number(reply[1])
  return { hits: Number(reply[0]), resetAt: Date.now() + Math.max(ttl, 0) }
}

function toCounters(reply: unknown, now: number): Counter[] {
  if (!Array.isArray(reply) || reply.length % 2 !== 0) {
    throw new Error(`Unexpected reply from the rate-limit script: ${JSON.stringify(reply)}`)
  }
  const counters: Counter[] = []
  for (let i = 0; i < reply.length; i += 2) {
    const hits = Number(reply[i])
    const ttl = Number(reply[i + 1])
    counters.push({ hits, resetAt: now + Math.max(ttl, 0) })
  }
  return counters
}

/** A Redis store for createRateLimits({ ... }, { store }) or your own limiter. */
export function createRedisStore(client: RedisClientLike): RedisStore {
  return new RedisStore(client)
}
