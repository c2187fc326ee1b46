import { spawnTs } from '@kit/test-utils'
import { describe, expect, it } from 'vitest'
import { createMetrics } from '../src/index.ts'

describe('lifecycle', () => {
  it('never keeps the process alive: timers and the metrics server are unref’d', async () => {
    const child = spawnTs(new URL('./fixtures/started-and-forgotten.ts', import.meta.url).pathname)
    await child.waitFor(/started on \d+/)
    const exit = await Promise.race([
      child.exited,
      new Promise<'still running'>((resolve) => setTimeout(() => resolve('still running'), 15_000)),
    ])
    if (exit === 'still running') child.child.kill('SIGKILL')
    expect(exit).toEqual({ code: 0, signal: null })
  })

  it('start() and close() are idempotent, and start() after close() does nothing', async () => {
    const metrics = createMetrics({ port: 0, processMetrics: false }, { env: {} })
    await Promise.all([metrics.start(), metrics.start()])
    const port = metrics.port
    expect(port).toBeGreaterThan(0)
    await Promise.all([metrics.close(), metrics.close()])
    expect(metrics.port).toBeUndefined()
    await metrics.start()
    expect(metrics.port).toBeUndefined()
  })

  it('offers close() as a shutdown hook', async () => {
    const metrics = createMetrics({ port: 0, processMetrics: false }, { env: {} })
    await metrics.start()
    const hook = metrics.shutdownHook()
    expect(hook).toMatchObject({ name: 'metrics', timeoutMs: 5000 })
    await hook.close()
    expect(metrics.port).toBeUndefined()
    expect(metrics.shutdownHook({ timeoutMs: 1000 }).timeoutMs).toBe(1000)
  })
})
