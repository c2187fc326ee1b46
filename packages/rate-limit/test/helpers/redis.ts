import { Redis } from 'ioredis'

/** A client with the fail-fast settings @kit/core uses (commands fail within ~1 s, reconnects by itself). */
export function failFastRedis(url: string): Redis {
  const client = new Redis(url, {
    connectTimeout: 1000,
    commandTimeout: 1000,
    maxRetriesPerRequest: 1,
    enableOfflineQueue: true,
    retryStrategy: (times) => Math.min(50 * times, 300),
  })
  client.on('error', () => {})
  return client
}

/** Calls per command since the last CONFIG RESETSTAT, from INFO commandstats. */
export async function commandCalls(client: Redis): Promise<Record<string, number>> {
  const info = await client.info('commandstats')
  const calls: Record<string, number> = {}
  for (const match of info.matchAll(/^cmdstat_([^:]+):calls=(\d+)/gm)) calls[match[1]!] = Number(match[2])
  return calls
}

export async function waitUntilReady(client: Redis, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs
  while (client.status !== 'ready') {
    if (Date.now() > deadline)
      throw new Error(`Redis client not ready after ${timeoutMs} ms (status ${client.status})`)
    await new Promise((r) => setTimeout(r, 25))
  }
}
