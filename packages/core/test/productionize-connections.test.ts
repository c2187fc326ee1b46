import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { createMariaDatabase, createPostgresDatabase, startThrowawayRedis } from '@kit/test-utils'
import { afterAll, describe, expect, it } from 'vitest'
import { startKit, waitForStatus } from './helpers/start-kit.ts'

const cwd = mkdtempSync(join(tmpdir(), 'kit-core-conn-'))
afterAll(() => rmSync(cwd, { recursive: true, force: true }))

describe.each(['express', 'fastify'] as const)('kit.db and kit.redis on %s', (framework) => {
  it('kit.db works on PostgreSQL and readiness checks it', async () => {
    const db = await createPostgresDatabase(`core_${framework}`)
    const { kit, url, close } = await startKit(framework, { cwd, envSource: { DATABASE_URL: db.url } })
    const { rows } = await kit.db.raw('select current_database() as name')
    expect(rows[0].name).toBe(db.name)
    expect(await waitForStatus(`${url}/health/ready`, 200)).toBe(200)
    await close()
    await db.drop()
  })

  it('kit.db works on MariaDB', async () => {
    const db = await createMariaDatabase(`core_${framework}`)
    const { kit, close } = await startKit(framework, { cwd, envSource: { DATABASE_URL: db.url } })
    const [rows] = await kit.db.raw('select database() as name')
    expect(rows[0].name).toBe(db.name)
    await close()
    await db.drop()
  })

  it('kit.db is the embedded PGlite when DATABASE_URL is unset, and kit.redis does not exist', async () => {
    const { kit, close } = await startKit(framework, { cwd: join(cwd, framework), envSource: {} })
    expect('redis' in kit).toBe(false)
    const { rows } = await kit.db.raw('select 1 + 1 as two')
    expect(rows[0].two).toBe(2)
    await close()
  })

  it('kit.redis fails fast while Redis is down, readiness turns 503, and both recover', async () => {
    const redis = await startThrowawayRedis()
    const { kit, url, close } = await startKit(framework, { cwd, envSource: { REDIS_URL: redis.url } })
    expect(await kit.redis!.set('k', '1')).toBe('OK')
    await redis.stop()
    const started = Date.now()
    await expect(kit.redis!.get('k')).rejects.toThrow()
    expect(Date.now() - started).toBeLessThan(5000)
    expect(await waitForStatus(`${url}/health/ready`, 503)).toBe(503)
    await redis.start()
    const deadline = Date.now() + 8000
    while (kit.redis!.status !== 'ready' && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50))
    expect(await kit.redis!.ping()).toBe('PONG')
    expect(await waitForStatus(`${url}/health/ready`, 200)).toBe(200)
    await close()
    await redis.destroy()
  })
})
