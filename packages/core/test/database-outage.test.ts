import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import {
  createMariaDatabase,
  createPostgresDatabase,
  freePort,
  MemoryStream,
  startTcpProxy,
  type TcpProxy,
  type TestDatabase,
} from '@kit/test-utils'
import { afterAll, afterEach, describe, expect, it } from 'vitest'
import { createDatabase } from '../src/connections/database.ts'
import { type StartedKit, startKit, waitForStatus } from './helpers/start-kit.ts'

/**
 * Regression (issue 19): with the network to the database blackholed, every
 * database request waited until the network healed (80 s and more). Now a
 * route answers 503 + Retry-After within acquire + query, readiness fails
 * within its check timeout, and both recover when the network heals.
 */
const BOUNDS = { connectTimeoutMs: 1000, acquireTimeoutMs: 2000, queryTimeoutMs: 2000 }
/** The documented worst case for one query: acquire, then the query itself. */
const ROUTE_BOUND_MS = BOUNDS.acquireTimeoutMs + BOUNDS.queryTimeoutMs
/** Headroom for a machine shared with other test runs: the old code never answered at all. */
const SLACK_MS = 5000

const cwd = mkdtempSync(join(tmpdir(), 'kit-core-outage-'))
afterAll(() => rmSync(cwd, { recursive: true, force: true }))

const DATABASES = [
  ['PostgreSQL', createPostgresDatabase],
  ['MariaDB', createMariaDatabase],
] as const

describe.each(['express', 'fastify'] as const)('%s', (framework) => {
  describe.each(DATABASES)('%s behind a blackholed network', (_name, createTestDatabase) => {
    let db: TestDatabase | undefined
    let proxy: TcpProxy | undefined
    let kit: StartedKit | undefined
    afterEach(async () => {
      proxy?.heal()
      await kit?.close()
      await proxy?.close()
      await db?.drop()
      kit = proxy = db = undefined
    })

    async function start(logs = new MemoryStream()): Promise<StartedKit> {
      db = await createTestDatabase(`outage_${framework}`)
      proxy = await startTcpProxy({ host: '127.0.0.1', port: Number(new URL(db.url).port) })
      kit = await startKit(
        framework,
        {
          cwd,
          logger: { destination: logs },
          database: BOUNDS,
          envSource: { DATABASE_URL: proxy.via(db.url) },
        },
        (app, kit) => {
          app.get('/db', async (_req: unknown, res?: { json(body: unknown): void }) => {
            await kit.db.raw('select 1 as one')
            if (res && framework === 'express') return res.json({ ok: true })
            return { ok: true }
          })
        },
      )
      return kit
    }

    async function timed(url: string): Promise<{ status: number; retryAfter: string | null; ms: number }> {
      const started = performance.now()
      const res = await fetch(url, { signal: AbortSignal.timeout(60_000) })
      await res.arrayBuffer()
      return {
        status: res.status,
        retryAfter: res.headers.get('retry-after'),
        ms: performance.now() - started,
      }
    }

    it('answers 503 + Retry-After within acquire + query, fails readiness, and recovers when the network heals', async () => {
      const { url } = await start()
      expect((await timed(`${url}/db`)).status).toBe(200)
      expect(await waitForStatus(`${url}/health/ready`, 200, 30_000)).toBe(200)

      proxy!.blackhole()
      // One request on a pooled connection (query timeout), then two that need new connections (connect timeout).
      const answers = [
        await timed(`${url}/db`),
        ...(await Promise.all([timed(`${url}/db`), timed(`${url}/db`)])),
      ]
      for (const answer of answers) {
        expect(answer).toMatchObject({ status: 503, retryAfter: '5' })
        expect(answer.ms).toBeLessThan(ROUTE_BOUND_MS + SLACK_MS)
      }
      // Readiness: the check's own timeout (2 s) plus the 1 s result cache.
      const cut = performance.now()
      expect(await waitForStatus(`${url}/health/ready`, 503, 3000 + SLACK_MS)).toBe(503)
      const readinessMs = performance.now() - cut

      proxy!.heal()
      const healed = performance.now()
      expect(await waitForStatus(`${url}/db`, 200, 30_000)).toBe(200)
      expect(await waitForStatus(`${url}/health/ready`, 200, 30_000)).toBe(200)
      console.log(
        `${framework} ${_name}: 503 after ${answers.map((a) => Math.round(a.ms)).join(', ')} ms (bound ${ROUTE_BOUND_MS}); readiness 503 ${Math.round(readinessMs)} ms after those; route and readiness 200 ${Math.round(performance.now() - healed)} ms after heal`,
      )
    })

    it('says plainly at start-up that the database cannot be reached (not "the pool is probably full")', async () => {
      const logs = new MemoryStream()
      db = await createTestDatabase(`outage_boot_${framework}`)
      proxy = await startTcpProxy({ host: '127.0.0.1', port: Number(new URL(db.url).port) })
      proxy.blackhole()
      kit = await startKit(framework, {
        cwd,
        logger: { destination: logs },
        database: BOUNDS,
        envSource: { DATABASE_URL: proxy.via(db.url) },
      })
      expect(await waitForStatus(`${kit.url}/health/ready`, 503, 3000 + SLACK_MS)).toBe(503)
      const deadline = Date.now() + BOUNDS.acquireTimeoutMs + SLACK_MS
      const startupLine = () => logs.lines().find((l) => l.msg === 'the database is unreachable at start-up')
      while (!startupLine() && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100))
      const line = startupLine()
      expect(line?.err?.message).toMatch(
        /^(PostgreSQL|MySQL\/MariaDB) at 127\.0\.0\.1:\d+\/\S+ did not accept a connection within 1000 ms \(database\.connectTimeoutMs\)/,
      )
      expect(logs.text()).not.toContain('pool is probably full')

      proxy.heal()
      expect(await waitForStatus(`${kit.url}/health/ready`, 200, 30_000)).toBe(200)
    })
  })
})

describe.each(['express', 'fastify'] as const)('%s with the database refusing connections', (framework) => {
  it.each([
    ['PostgreSQL', 'postgres://postgres@127.0.0.1'],
    ['MySQL/MariaDB', 'mysql://root@127.0.0.1'],
  ])('%s: a database route answers 503 + Retry-After at once, naming the database', async (name, base) => {
    const port = await freePort()
    const logs = new MemoryStream()
    const kit = await startKit(
      framework,
      {
        cwd,
        logger: { destination: logs },
        database: BOUNDS,
        envSource: { NODE_ENV: 'development', DATABASE_URL: `${base}:${port}/app` },
      },
      (app, kit) => {
        app.get('/db', async (_req: unknown, res?: { json(body: unknown): void }) => {
          await kit.db.raw('select 1 as one')
          if (res && framework === 'express') return res.json({ ok: true })
          return { ok: true }
        })
      },
    )
    try {
      const res = await fetch(`${kit.url}/db`, { signal: AbortSignal.timeout(60_000) })
      expect(res.status).toBe(503)
      expect(res.headers.get('retry-after')).toBe('5')
      // Outside production the message is shown: it says what and where, not "the pool is probably full".
      expect(JSON.stringify(await res.json())).toContain(
        `${name} at 127.0.0.1:${port}/app is unreachable (ECONNREFUSED)`,
      )
    } finally {
      await kit.close()
    }
  })
})

describe('database time bounds', () => {
  it('rejects a bound that is not a whole number of milliseconds, naming the setting', () => {
    expect(() =>
      createDatabase({ DATABASE_URL: 'postgres://u@127.0.0.1/db' }, { queryTimeoutMs: -1 }),
    ).toThrow(
      expect.objectContaining({
        code: 'KIT_CORE_DATABASE_OPTION_INVALID',
        message:
          'kit.config database.queryTimeoutMs must be a whole number of milliseconds of at least 0, got -1.',
      }),
    )
    expect(() =>
      createDatabase({ DATABASE_URL: 'postgres://u@127.0.0.1/db' }, { connectTimeoutMs: 0 }),
    ).toThrow(/database\.connectTimeoutMs must be a whole number of milliseconds of at least 1, got 0/)
  })
})
