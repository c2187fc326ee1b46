import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { MemoryStream } from '@kit/test-utils'
import express from 'express'
import { afterEach, describe, expect, it } from 'vitest'
import { type Kit, productionize } from '../src/index.ts'

/** A JSON body, typed loosely for assertions. */
const jsonOf = (res: Response): Promise<any> => res.json()

// Regression from a real CommonJS TypeScript app (issue 16): its module exports `app`
// for supertest, and CommonJS has no top-level await, so `await productionize(app)`
// cannot come before the routes. Express: kit takes its place synchronously.

let server: Server | undefined
let kit: Kit<any> | undefined
afterEach(async () => {
  if (server) await new Promise((resolve) => server!.close(resolve))
  await kit?.shutdown()
  server = undefined
  kit = undefined
})

async function listen(app: express.Express): Promise<string> {
  server = createServer(app)
  await new Promise<void>((resolve) => server!.listen(0, '127.0.0.1', resolve))
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`
}

describe('Express: productionize(app) not awaited before the routes', () => {
  it('puts kit in front of routes added right after the call; requests sent during set-up wait for it', async () => {
    const logs = new MemoryStream()
    const app = express()
    const ready = productionize(app, {
      envSource: { NODE_ENV: 'test' },
      health: { signals: false },
      logger: { destination: logs },
    })
    app.get('/hello', (req, res) => {
      res.json({ id: (req as unknown as { id: string }).id })
    })
    // Sent before set-up has finished.
    const url = await listen(app)
    const [hello, missing] = await Promise.all([fetch(`${url}/hello`), fetch(`${url}/nope`)])
    kit = await ready
    expect(hello.status).toBe(200)
    const id = hello.headers.get('x-request-id')
    expect(id).toMatch(/^[0-9a-f-]{36}$/)
    expect((await jsonOf(hello)).id).toBe(id)
    expect(hello.headers.get('x-content-type-options')).toBe('nosniff')
    expect(missing.status).toBe(404)
    const notFound = (await jsonOf(missing)).error
    expect(notFound).toMatchObject({ status: 404, title: 'Not Found' })
    // Outside production too, a 404 carries no stack (it only showed kit's own frames).
    expect(notFound.stack).toBeUndefined()
    // The routes came after the call: no "routes before productionize()" warning.
    expect(logs.text()).not.toContain('routes-before-productionize')
    // After set-up, kit's pipeline itself sits on the router (no gate left per request).
    expect(app.router.stack.some((layer: any) => layer.handle?.name === 'kitPipeline')).toBe(true)
  })

  it('on bad env the promise rejects and nothing stays installed: the app answers as it did without kit', async () => {
    const app = express()
    const before = app.router.stack.length
    const ready = productionize(app, {
      envSource: { NODE_ENV: 'production', PORT: 'eighty' },
      health: { signals: false },
      logger: { destination: new MemoryStream() },
    })
    app.get('/hello', (_req, res) => {
      res.send('hello')
    })
    const error = (await ready.then(
      () => undefined,
      (e: unknown) => e,
    )) as { code?: string }
    expect(error.code).toBe('KIT_ENV_INVALID')
    expect(app.router.stack.length).toBe(before + 1) // only the app's own route
    const res = await fetch(`${await listen(app)}/hello`)
    expect(res.status).toBe(200)
    expect(res.headers.get('x-request-id')).toBeNull()
  })
})
