import type { IncomingMessage, Server, ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import { MemoryStream } from '@kit/test-utils'
import express from 'express'
import { afterEach, describe, expect, it } from 'vitest'
import { type KitConfig, productionize } from '../src/index.ts'

// Express sets req's and res's prototypes to app.request/app.response on every
// request; on node's own objects that made V8 keep every request through young
// GCs (docs/internals/express-gc.md). kit's listens build them with those
// prototypes already, so Express's call changes nothing: the 'request' event
// (before Express runs) must already see them, and Express must still work.

let close: (() => Promise<void>) | undefined
afterEach(async () => {
  await close?.()
  close = undefined
})

const config = (logs: MemoryStream): KitConfig => ({
  envSource: { NODE_ENV: 'test' },
  health: { signals: false },
  logger: { destination: logs },
})

async function prototypesSeen(server: Server, app: express.Express) {
  const seen: boolean[] = []
  // Runs before Express's handler: what node:http built, untouched by Express.
  server.prependListener('request', (req: IncomingMessage, res: ServerResponse) => {
    seen.push(Object.getPrototypeOf(req) === app.request, Object.getPrototypeOf(res) === app.response)
  })
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hello?name=kit`
  const response = await fetch(url)
  return {
    seen,
    status: response.status,
    body: await response.text(),
    id: response.headers.get('x-request-id'),
  }
}

describe('Express servers kit starts build req/res with the app prototypes', () => {
  const route = (app: express.Express) =>
    app.get('/hello', (req, res) => {
      res.json({ name: req.query.name, ip: typeof req.ip, app: req.app === app })
    })

  it('kit.listen()', async () => {
    const logs = new MemoryStream()
    const app = express()
    const kit = await productionize(app, config(logs))
    route(app)
    const server = await kit.listen({ port: 0, host: '127.0.0.1' })
    close = () => kit.shutdown()
    const result = await prototypesSeen(server, app)
    expect(result.seen).toEqual([true, true])
    expect(result.status).toBe(200)
    expect(JSON.parse(result.body)).toEqual({ name: 'kit', ip: 'string', app: true })
    expect(result.id).toMatch(/.+/)
  })

  it("the app's own app.listen(), and its callback gets a listen error as Express 5's does", async () => {
    const logs = new MemoryStream()
    const app = express()
    const kit = await productionize(app, config(logs))
    route(app)
    const server = await new Promise<Server>((resolve) => {
      const s = app.listen(0, '127.0.0.1', () => resolve(s))
    })
    close = async () => {
      await new Promise((resolve) => server.close(resolve))
      await kit.shutdown()
    }
    const result = await prototypesSeen(server, app)
    expect(result.seen).toEqual([true, true])
    expect(JSON.parse(result.body)).toEqual({ name: 'kit', ip: 'string', app: true })

    const port = (server.address() as AddressInfo).port
    const error = await new Promise<unknown>((resolve) => {
      app.listen(port, '127.0.0.1', resolve)
    })
    expect((error as NodeJS.ErrnoException).code).toBe('EADDRINUSE')
  })
})
