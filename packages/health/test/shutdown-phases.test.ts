import { afterEach, describe, expect, it } from 'vitest'
import { createHealth, type Health, SHUTDOWN_PHASES } from '../src/index.ts'
import { FRAMEWORKS, serve, type TestApp } from './helpers.ts'

describe.each(FRAMEWORKS)('shutdown phases on %s', (framework) => {
  let app: TestApp | undefined
  let health: Health | undefined
  afterEach(async () => {
    await app?.close().catch(() => {})
    health?.close()
  })

  it('runs hooks phase by phase in the declared order, whatever the order of registration', async () => {
    health = createHealth({ systemChecks: false, loadShedding: false, exit: false })
    app = await serve(framework, health)
    health.attach(app.server)
    const ran: string[] = []
    const hook = (name: string, phase?: string) => ({
      name,
      ...(phase ? { phase } : {}),
      close: () => void ran.push(name),
    })
    // Registered in creation order, the way an app creates things: logger first, database, then Redis, mail, flags.
    health.addShutdownHook(hook('logger', 'logger'))
    health.addShutdownHook(hook('database', 'database'))
    health.addShutdownHook(hook('redis', 'redis'))
    health.addShutdownHook(hook('rate-limit store', 'redis'))
    health.addShutdownHook(hook('mailer', 'mailer'))
    health.addShutdownHook(hook('sentry', 'sentry'))
    health.addShutdownHook(hook('flags', 'flags'))
    health.addShutdownHook(hook('own step'))
    health.addShutdownHook(hook('framework close', 'framework'))
    const outcome = await health.shutdown('test')
    expect(outcome.exitCode).toBe(0)
    expect(ran).toEqual([
      'framework close',
      'own step',
      'flags',
      'mailer',
      'rate-limit store',
      'redis',
      'database',
      'sentry',
      'logger',
    ])
  })

  it('refuses a phase it does not know, listing the phases', () => {
    health = createHealth({ systemChecks: false, loadShedding: false, exit: false })
    expect(() => health!.addShutdownHook({ name: 'x', phase: 'soon', close: () => {} })).toThrow(
      expect.objectContaining({
        code: 'KIT_HEALTH_INVALID_HOOK',
        message: expect.stringContaining(SHUTDOWN_PHASES.join(', ')),
      }),
    )
  })
})
