import { createPostgresDatabase, MemoryStream, REDIS_URL, type TestDatabase } from '@kit/test-utils'
import Fastify from 'fastify'
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest'
import { fastifyOptions, type KitConfig, productionize } from '../src/index.ts'
import { startKit } from './helpers/start-kit.ts'

let db: TestDatabase
beforeAll(async () => {
  db = await createPostgresDatabase('core_shutdown_order')
})
afterAll(async () => {
  await db?.drop()
})

/** Every service kit manages, configured: Postgres, Redis, a mailer, flags and metrics. */
function everything(logs: MemoryStream): KitConfig {
  return {
    logger: { destination: logs },
    envSource: {
      DATABASE_URL: db.url,
      REDIS_URL,
      MAIL_PROVIDER: 'memory',
      MAIL_FROM: 'App <app@example.com>',
    },
    flags: { newCheckout: { default: false } },
    metrics: {},
  }
}

/** What ran during shutdown, in order: each hook as it closed, and the app's own Fastify onClose hook. */
function shutdownSteps(logs: MemoryStream): string[] {
  return logs
    .lines()
    .filter((l) => typeof l.hook === 'string' || l.step === 'fastify onClose')
    .map((l) => String(l.hook ?? l.step))
}

describe.each(['express', 'fastify'] as const)(
  'graceful shutdown order on %s, every service configured',
  (framework) => {
    it('runs the framework close, then the declared phases (DESIGN §7), not creation order', async () => {
      const logs = new MemoryStream()
      const { kit, close } = await startKit(framework, everything(logs), (app, kit) => {
        if (framework === 'fastify') {
          app.addHook('onClose', async () => {
            kit.log.info({ step: 'fastify onClose' }, 'the app closes its own knex')
          })
        }
      })
      // Created late on purpose: the mailer comes last, yet closes before Redis and the database.
      expect(kit.mailer).toBeDefined()
      kit.onShutdown('app queue', () => {})
      kit.onShutdown('app cache', () => {}, { phase: 'database' })
      await close()
      const steps = shutdownSteps(logs)
      const framing = framework === 'fastify' ? ['fastify onClose', 'fastify app.close()'] : []
      expect(steps).toEqual([
        ...framing,
        'app queue',
        'flags',
        'metrics',
        'mailer',
        'rate-limit',
        'redis',
        'app cache',
        'database',
        'logger',
      ])
      const outcome = logs.lines().find((l) => typeof l.exitCode === 'number')
      expect(outcome).toMatchObject({ exitCode: 0, failedHooks: [] })
    })

    it('refuses a kit.onShutdown step with an unknown phase, naming the phases', async () => {
      const { kit, close } = await startKit(framework, {})
      expect(() => kit.onShutdown('x', () => {}, { phase: 'later' as never })).toThrow(
        expect.objectContaining({
          code: 'KIT_HEALTH_INVALID_HOOK',
          message: expect.stringContaining('database'),
        }),
      )
      await close()
    })
  },
)

describe('Fastify app.close() called by the app (a test teardown)', () => {
  it('runs kit.onShutdown steps and closes kit Redis and database connections too', async () => {
    const logs = new MemoryStream()
    const config: KitConfig = { ...everything(logs), health: { signals: false } }
    const app = Fastify(fastifyOptions(config) as never)
    const kit = await productionize(app, config)
    const ran: string[] = []
    kit.onShutdown('app queue', () => {
      ran.push('app queue')
    })
    await app.ready()
    expect(await kit.redis!.ping()).toBe('PONG')
    await app.close()
    expect(ran).toEqual(['app queue'])
    // The connection reports 'end' once its socket has closed.
    await vi.waitFor(() => expect(kit.redis!.status).toBe('end'), { timeout: 10_000 })
    expect(shutdownSteps(logs)).toContain('database')
  })
})
