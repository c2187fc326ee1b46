import { createRequire } from 'node:module'
import express from 'express'
import Fastify from 'fastify'
import fastify4 from 'fastify4'
import { describe, expect, it } from 'vitest'
import { fastifyOptions, productionize } from '../src/index.ts'

// express@4 under an alias, for this test only; it ships no types of its own.
const express4 = createRequire(import.meta.url)('express4') as () => {
  get(path: string, handler: (req: unknown, res: { send(body: string): void }) => void): void
}

// Real apps are often still on Express 4 or Fastify 4; kit supports the 5 majors. Each gets a KitError that
// names the version and the upgrade, never a raw error from deep inside (Express 4's `app.router` getter throws).
const config = { envSource: { NODE_ENV: 'test' }, health: { signals: false as const } }

async function refusal(app: unknown): Promise<Error & { code?: string }> {
  return (await productionize(app as never, config).then(
    () => undefined,
    (e: unknown) => e,
  )) as Error & { code?: string }
}

describe('productionize() on an older major', () => {
  it('refuses an Express 4 app with KIT_CORE_UNSUPPORTED_APP naming the upgrade', async () => {
    const app = express4()
    app.get('/', (_req, res) => res.send('ok'))
    const error = await refusal(app)
    expect(error.code).toBe('KIT_CORE_UNSUPPORTED_APP')
    expect(error.message).toContain('Express 5')
    expect(error.message).toContain('npm install express@5')
  })

  it('refuses a Fastify 4 instance with KIT_CORE_UNSUPPORTED_APP naming its version', async () => {
    const app = fastify4()
    const error = await refusal(app)
    expect(error.code).toBe('KIT_CORE_UNSUPPORTED_APP')
    expect(error.message).toContain(`Fastify ${app.version}`)
    expect(error.message).toContain('npm install fastify@5')
    await app.close()
  })

  it('still takes Express 5 and Fastify 5', async () => {
    const kits = await Promise.all([
      productionize(express(), config),
      productionize(Fastify(fastifyOptions(config) as never), config),
    ])
    for (const kit of kits) {
      expect(typeof kit.listen).toBe('function')
      await kit.shutdown()
    }
  })
})
