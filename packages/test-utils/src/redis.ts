import { type ChildProcess, spawn } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { freePort } from './ports.ts'
import { canConnect, REDIS_URL, requireService } from './services.ts'

export interface RedisPrefix {
  url: string
  prefix: string
  /** Deletes every key under the prefix. */
  cleanup(): Promise<void>
}

/** A unique key prefix on the shared Redis for one test file. */
export async function createRedisPrefix(label = 'test'): Promise<RedisPrefix> {
  await requireService('redis')
  const prefix = `kit-test:${label}:${process.pid}:${randomBytes(3).toString('hex')}:`
  return {
    url: REDIS_URL,
    prefix,
    async cleanup() {
      const { Redis } = await import('ioredis')
      const client = new Redis(REDIS_URL, { lazyConnect: true, maxRetriesPerRequest: 1 })
      await client.connect()
      try {
        let cursor = '0'
        do {
          const [next, keys] = await client.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 500)
          cursor = next
          if (keys.length) await client.del(...keys)
        } while (cursor !== '0')
      } finally {
        client.disconnect()
      }
    },
  }
}

export interface ThrowawayRedis {
  url: string
  port: number
  /** Starts (or restarts) the server on the same port. */
  start(): Promise<void>
  /** Stops the server (SIGKILL: an outage, not a clean shutdown). */
  stop(): Promise<void>
  /**
   * Freezes the server (SIGSTOP): connections stay open and commands are
   * accepted by the kernel but never answered — a hung Redis, which clients
   * still report as 'ready'.
   */
  pause(): void
  /** Thaws a paused server (SIGCONT): queued commands are answered. */
  resume(): void
  /** Stops the server for good and removes its directory. */
  destroy(): Promise<void>
}

/**
 * A private redis-server on its own port, for outage tests: stopping the
 * shared server would break every other test file running in parallel.
 */
export async function startThrowawayRedis(): Promise<ThrowawayRedis> {
  const port = await freePort()
  const dir = mkdtempSync(join(tmpdir(), 'kit-redis-'))
  let child: ChildProcess | undefined
  const server: ThrowawayRedis = {
    url: `redis://127.0.0.1:${port}`,
    port,
    async start() {
      if (child && isRunning(child)) return
      child = spawn(
        'redis-server',
        ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--dir', dir],
        { stdio: 'ignore' },
      )
      const deadline = Date.now() + 5000
      while (!(await canConnect('127.0.0.1', port, 200))) {
        if (Date.now() > deadline) throw new Error(`redis-server did not start on port ${port}`)
        await new Promise((r) => setTimeout(r, 25))
      }
    },
    pause() {
      if (child && isRunning(child)) child.kill('SIGSTOP')
    },
    resume() {
      if (child && isRunning(child)) child.kill('SIGCONT')
    },
    async stop() {
      const current = child
      if (!current || !isRunning(current)) return
      await new Promise<void>((resolve) => {
        current.once('exit', () => resolve())
        current.kill('SIGKILL')
      })
    },
    async destroy() {
      await server.stop()
      rmSync(dir, { recursive: true, force: true })
    },
  }
  await server.start()
  process.once('exit', () => child?.kill('SIGKILL'))
  return server
}

// A killed child has exitCode null and a signalCode: both mean it is gone.
function isRunning(child: ChildProcess): boolean {
  return child.exitCode === null && child.signalCode === null
}
