import { KitError } from '@kit/internal'
import { COUNT_ATTEMPT, DECREMENT, HIT, type RedisScript } from './redis-scripts.ts'
import type { Counter, RateLimitStore } from './types.ts'

/**
 * The part of an ioredis client the store uses (ioredis `Redis` and
 * `Cluster` satisfy it; brute-force counters need one node, see the docs).
 */
export interface IoRedisLike {
  /** ioredis connection state: 'ready' when commands go straight out. */
  readonly status?: string
  evalsha(sha1: string, numkeys: number, ...args: (string | number)[]): Promise<unknown>
  eval(script: string, numkeys: number, ...args: (string | number)[]): Promise<unknown>
  del(key: string): Promise<unknown>
}

/** The part of a node-redis client (`redis` v4 and later, `createClient()`) the store uses. */
export interface NodeRedisLike {
  readonly isReady: boolean
  sendCommand(args: string[]): Promise<unknown>
}

/** An ioredis or a node-redis client. */
export type RedisClientLike = IoRedisLike | NodeRedisLike

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
  readonly #commands: ScriptCommands

  constructor(client: RedisClientLike) {
    this.#commands = scriptCommands(client)
  }

  // The hot path (one call per limited request): no spread, no intermediate arrays.
  hit(key: string, windowMs: number): Promise<Counter> {
    const commands = this.#commands
    const down = commands.down()
    if (down !== undefined) return Promise.reject(new StoreUnavailableError(down))
    return commands.evalsha1(HIT.sha, key, windowMs).then(toHitCounter, (error: unknown) => {
      if (!isNoScript(error)) throw error
      return commands.eval(HIT.body, [key], [windowMs]).then(toHitCounter)
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
    await this.#commands.del(key)
  }

  /** One round trip through the same connection (and the same script path) the counters use. */
  async ping(): Promise<void> {
    this.#assertUp()
    await this.#commands.eval('return 1', [], [])
  }

  close(): void {}

  #assertUp(): void {
    const down = this.#commands.down()
    if (down !== undefined) throw new StoreUnavailableError(down)
  }

  async #run(script: RedisScript, keys: readonly string[], args: readonly number[]): Promise<unknown> {
    this.#assertUp()
    try {
      return await this.#commands.evalsha(script.sha, keys, args)
    } catch (error) {
      if (!isNoScript(error)) throw error
      // The server restarted or flushed its scripts: EVAL runs and re-caches it.
      return this.#commands.eval(script.body, keys, args)
    }
  }
}

/** The four commands the store sends, in the words of either client library, chosen once. */
interface ScriptCommands {
  /** Why commands cannot go out now, or undefined when they can. */
  down(): string | undefined
  /** EVALSHA with one key and one argument: the hot path, without arrays on ioredis. */
  evalsha1(sha: string, key: string, arg: number): Promise<unknown>
  evalsha(sha: string, keys: readonly string[], args: readonly number[]): Promise<unknown>
  eval(body: string, keys: readonly string[], args: readonly number[]): Promise<unknown>
  del(key: string): Promise<unknown>
}

function scriptCommands(client: RedisClientLike): ScriptCommands {
  const candidate = client as Partial<IoRedisLike & NodeRedisLike> | null
  if (candidate !== null && typeof candidate === 'object') {
    if (typeof candidate.evalsha === 'function' && typeof candidate.eval === 'function') {
      return ioredisCommands(client as IoRedisLike)
    }
    if (typeof candidate.sendCommand === 'function' && 'isReady' in candidate) {
      return nodeRedisCommands(client as NodeRedisLike)
    }
  }
  throw new KitError(
    'KIT_RATE_LIMIT_INVALID_REDIS_CLIENT',
    `The Redis store needs an ioredis or a node-redis client; got ${client === null ? 'null' : typeof client}. Pass \`new Redis(process.env.REDIS_URL)\` (ioredis) or \`await createClient({ url }).connect()\` (redis), or leave \`redis\` unset for the memory store.`,
  )
}

function ioredisCommands(client: IoRedisLike): ScriptCommands {
  return {
    down() {
      const status = client.status
      return status !== undefined && DOWN.has(status)
        ? `Redis is not connected (status: ${status}).`
        : undefined
    },
    evalsha1: (sha, key, arg) => client.evalsha(sha, 1, key, arg),
    evalsha: (sha, keys, args) => client.evalsha(sha, keys.length, ...keys, ...args),
    eval: (body, keys, args) => client.eval(body, keys.length, ...keys, ...args),
    del: (key) => client.del(key),
  }
}

// node-redis takes string arguments only; sendCommand is the same call in v4, v5 and v6.
function nodeRedisCommands(client: NodeRedisLike): ScriptCommands {
  const send = (command: string, head: string, keys: readonly string[], args: readonly number[]) =>
    client.sendCommand([command, head, String(keys.length), ...keys, ...args.map(String)])
  return {
    // While node-redis is (re)connecting a command would only wait in its queue: answer at once instead.
    down: () => (client.isReady ? undefined : 'Redis is not connected (node-redis client not ready).'),
    evalsha1: (sha, key, arg) => client.sendCommand(['EVALSHA', sha, '1', key, String(arg)]),
    evalsha: (sha, keys, args) => send('EVALSHA', sha, keys, args),
    eval: (body, keys, args) => send('EVAL', body, keys, args),
    del: (key) => client.sendCommand(['DEL', key]),
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

/** A Redis store (ioredis or node-redis client) for createRateLimits({ ... }, { store }) or your own limiter. */
export function createRedisStore(client: RedisClientLike): RedisStore {
  return new RedisStore(client)
}
