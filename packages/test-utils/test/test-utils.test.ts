import { describe, expect, it } from 'vitest'
import {
  createMariaDatabase,
  createPostgresDatabase,
  createRedisPrefix,
  memoryLogger,
  startThrowawayRedis,
} from '../src/index.ts'

describe('throwaway databases', () => {
  it('creates and drops a Postgres database', async () => {
    const db = await createPostgresDatabase('utils')
    const { default: pg } = await import('pg')
    const client = new pg.Client({ connectionString: db.url })
    await client.connect()
    const { rows } = await client.query('select current_database() as name')
    await client.end()
    expect(rows[0].name).toBe(db.name)
    await db.drop()
  })

  it('creates and drops a MariaDB database', async () => {
    const db = await createMariaDatabase('utils')
    const mysql = await import('mysql2/promise')
    const conn = await mysql.createConnection(db.url)
    const [rows] = await conn.query('select database() as name')
    await conn.end()
    expect((rows as { name: string }[])[0]?.name).toBe(db.name)
    await db.drop()
  })
})

describe('redis', () => {
  it('cleans up every key under a prefix', async () => {
    const { Redis } = await import('ioredis')
    const p = await createRedisPrefix('utils')
    const client = new Redis(p.url)
    await client.set(`${p.prefix}a`, '1')
    await p.cleanup()
    expect(await client.exists(`${p.prefix}a`)).toBe(0)
    client.disconnect()
  })

  it('starts, stops and restarts a throwaway server', async () => {
    const { Redis } = await import('ioredis')
    const server = await startThrowawayRedis()
    const client = new Redis(server.url, {
      maxRetriesPerRequest: 0,
      lazyConnect: true,
      retryStrategy: () => 50,
    })
    client.on('error', () => {})
    await client.connect()
    expect(await client.ping()).toBe('PONG')
    await server.stop()
    await expect(client.ping()).rejects.toThrow()
    await server.start()
    // The client reconnects by itself (every 50 ms here); give it a bounded time.
    const deadline = Date.now() + 5000
    while (client.status !== 'ready' && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20))
    expect(await client.ping()).toBe('PONG')
    client.disconnect()
    await server.destroy()
  })
})

describe('memoryLogger', () => {
  it('keeps each line with its level, message and fields, and shows them as text', () => {
    const log = memoryLogger()
    log.warn({ attempt: 2 }, 'slack alert notice failed')
    log.child({}).info('listening')
    expect(log.lines).toEqual([
      { level: 'warn', message: 'slack alert notice failed', fields: { attempt: 2 } },
      { level: 'info', message: 'listening', fields: {} },
    ])
    expect(log.messages('warn')).toEqual(['slack alert notice failed'])
    expect(log.messages()).toEqual(['slack alert notice failed', 'listening'])
    expect(log.text()).toContain('"attempt":2')
  })
})
