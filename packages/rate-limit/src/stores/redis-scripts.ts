import { createHash } from 'node:crypto'

/**
 * The Lua the Redis store runs. Each call is one EVALSHA with the SHA-1
 * computed here, so there is no SCRIPT LOAD to fail at boot and be
 * remembered (the rate-limit-redis bug in GOTCHAS); a server that does not
 * know the script (fresh start, SCRIPT FLUSH) answers NOSCRIPT and the store
 * sends the same call once as EVAL, which also caches it.
 */
export interface RedisScript {
  readonly body: string
  readonly sha: string
}

function script(body: string): RedisScript {
  const trimmed = body.trim().replace(/\n\s+/g, '\n')
  return { body: trimmed, sha: createHash('sha1').update(trimmed).digest('hex') }
}

/** KEYS[1] counter; ARGV[1] window ms. Returns { hits, ms to reset }. */
export const HIT: RedisScript = script(`
  local hits = redis.call('INCR', KEYS[1])
  local ttl = redis.call('PTTL', KEYS[1])
  if ttl < 0 then
    redis.call('PEXPIRE', KEYS[1], ARGV[1])
    ttl = tonumber(ARGV[1])
  end
  return { hits, ttl }
`)

/**
 * KEYS counters; ARGV[1] window ms, ARGV[2] block ms, ARGV[2 + i] threshold
 * of KEYS[i]. The attempt that reaches a threshold extends that key to the
 * block time. Returns hits and ms to reset for each key, flattened.
 */
export const COUNT_ATTEMPT: RedisScript = script(`
  local window = tonumber(ARGV[1])
  local block = tonumber(ARGV[2])
  local out = {}
  for i, key in ipairs(KEYS) do
    local hits = redis.call('INCR', key)
    local ttl = redis.call('PTTL', key)
    if hits == tonumber(ARGV[2 + i]) then
      redis.call('PEXPIRE', key, block)
      ttl = block
    elseif ttl < 0 then
      redis.call('PEXPIRE', key, window)
      ttl = window
    end
    out[#out + 1] = hits
    out[#out + 1] = ttl
  end
  return out
`)

/** KEYS counters. Takes one hit back from each, never below zero, never creating a key. */
export const DECREMENT: RedisScript = script(`
  for i, key in ipairs(KEYS) do
    local hits = tonumber(redis.call('GET', key) or '0')
    if hits > 0 then redis.call('DECR', key) end
  end
  return 0
`)
