import { fileURLToPath } from 'node:url'
import { type SpawnedProcess, spawnTs } from '@kit/test-utils'
import { afterEach, describe, expect, it } from 'vitest'

const APP = fileURLToPath(new URL('./fixtures/shutdown-app.ts', import.meta.url))

let child: SpawnedProcess | undefined
afterEach(() => {
  if (child && child.child.exitCode === null && child.child.signalCode === null) child.child.kill('SIGKILL')
  child = undefined
})

describe.each(['express', 'fastify'] as const)('SIGTERM on %s', (framework) => {
  it("runs the app's own cleanup (Fastify onClose, kit.onShutdown) before kit's, and exits 0", async () => {
    child = spawnTs(APP, [framework])
    await child.waitFor('LISTENING', 60_000)
    child.child.kill('SIGTERM')
    const { code } = await child.exited
    expect(code).toBe(0)
    const out = child.stdout()
    const steps = out.split('\n').filter((line) => line.startsWith('STEP '))
    expect(steps).toEqual([
      ...(framework === 'fastify' ? ['STEP app onClose'] : []),
      'STEP kit.onShutdown queue',
    ])
    // kit's own steps come after the app's: the logger flush is the last one logged.
    const hooks = [...out.matchAll(/"hook":"([^"]+)"/g)].map((m) => m[1])
    expect(hooks.at(-1)).toBe('logger')
    expect(out.indexOf('STEP kit.onShutdown queue')).toBeLessThan(out.indexOf('"hook":"logger"'))
  }, 90_000)
})
