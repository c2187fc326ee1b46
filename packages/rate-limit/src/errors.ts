export const errors = {
  KIT_RATE_LIMIT_INVALID_OPTION: {
    when: 'A rate-limit option has a value of the wrong type or out of range (a limit that is not a positive integer, a window under one second, an IPv6 subnet outside 32–64...).',
    fix: 'Correct the option the message names; each option documents its type and default in `RateLimitOptions`.',
  },
  KIT_RATE_LIMIT_UNKNOWN_OPTION: {
    when: 'An option object holds a key that @kit/rate-limit does not know, usually a misspelling (`perMin` for `perMinute`).',
    fix: 'Rename the key to the one the message suggests, or remove it.',
  },
  KIT_RATE_LIMIT_UNKNOWN_TIER: {
    when: '`routes`, `failClosed`, `limit(tier)` or a Fastify route `config.kitRateLimit` names a tier that is not defined.',
    fix: 'Define the tier under `rateLimit.tiers` (with `perMinute`, or `limit` and `windowMs`), or use one of the tiers the message lists.',
  },
  KIT_RATE_LIMIT_INVALID_ENV: {
    when: 'RATE_LIMIT_ENABLED, RATE_LIMIT_PER_MINUTE, AUTH_RATE_LIMIT_PER_MINUTE or AI_RATE_LIMIT_PER_MINUTE holds a value that cannot be read.',
    fix: 'Set RATE_LIMIT_ENABLED to true or false and the *_PER_MINUTE variables to positive whole numbers.',
  },
  KIT_RATE_LIMIT_INVALID_REDIS_CLIENT: {
    when: 'The `redis` passed to createRateLimits() is neither an ioredis client (`evalsha`/`eval`) nor a node-redis client (`sendCommand`, `isReady`).',
    fix: 'Pass an ioredis `Redis` (or `Cluster`) instance or a connected node-redis client (`await createClient({ url }).connect()`), created with fail-fast settings, or leave `redis` unset to use the memory store.',
  },
  KIT_RATE_LIMIT_INVALID_STORE: {
    when: 'A tier `store` is neither an express-rate-limit Store (increment, decrement, resetKey) nor a kit RateLimitStore (hit), or an express-rate-limit Store was given to createRateLimits() for every tier.',
    fix: 'Give each tier that needs one its own store instance (`rateLimit.tiers.<tier>.store`); pass `redis` (or a kit store) for the store every other tier shares.',
  },
  KIT_RATE_LIMIT_STORE_SHARED: {
    when: 'Two tiers are given the same store instance, or two express-rate-limit stores of one backend with the same `prefix`: each tier would count the requests of the other.',
    fix: "Create one store per tier, each with its own prefix (rate-limit-redis: `new RedisStore({ sendCommand, prefix: 'rl:ai:' })`).",
  },
  KIT_RATE_LIMIT_ROUTE_CONFIG_MOVED: {
    when: "A Fastify route sets kit's old per-route option `config.rateLimit: 'tier'` (or `{ tier }`); that key belongs to @fastify/rate-limit.",
    fix: "Rename it to `config: { kitRateLimit: 'tier' }` (or `{ kitRateLimit: false }` to exempt the route).",
  },
  KIT_RATE_LIMIT_NOT_CALLED: {
    when: 'A factory from @kit/rate-limit/express was passed to `app.use()` without being called (`app.use(rateLimits)`).',
    fix: 'Call it with the limits: `app.use(rateLimits(createRateLimits(options)))`.',
  },
} as const
