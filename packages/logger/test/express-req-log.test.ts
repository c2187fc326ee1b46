/**
 * Express's req.log is made on first read (issue 21: no child logger for a
 * request whose handler never logs). It must still be there wherever a
 * handler runs: a router, a mounted sub-app, another app handed the request.
 */
import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import { listenExpress, MemoryStream } from '@kit/test-utils'
import express from 'express'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { requestLogger } from '../src/express.ts'
import { createLogger, type Logger } from '../src/index.ts'

const out = new MemoryStream()
const log = createLogger({ destination: out }, { env: { NODE_ENV: 'production' } })
const logFrom = (req: express.Request, message: string) =>
  (req as unknown as { log: Logger }).log.info(message)

describe('req.log on Express', () => {
  let close: () => Promise<void>
  let url: string
  beforeAll(async () => {
    const app = express()
    app.use(requestLogger(log))
    const router = express.Router()
    router.get('/in-router', (req, res) => {
      logFrom(req, 'from a router')
      res.send('ok')
    })
    app.use('/r', router)
    const admin = express()
    admin.get('/in-sub-app', (req, res) => {
      logFrom(req, 'from a sub-app')
      res.send('ok')
    })
    app.use('/admin', admin)
    const other = express()
    other.get('/other/in-other-app', (req, res) => {
      logFrom(req, 'from another app')
      res.send('ok')
    })
    app.use((req, res, next) => (req.path.startsWith('/other/') ? other(req, res, next) : next()))
    app.get('/assigned', (req, res) => {
      const mine = log.child({ mine: true })
      ;(req as unknown as { log: Logger }).log = mine
      expect((req as unknown as { log: Logger }).log).toBe(mine)
      logFrom(req, 'through the assigned logger')
      res.send('ok')
    })
    app.get('/quiet', (_req, res) => {
      res.send('no log from the handler')
    })
    const listening = await listenExpress(app)
    close = listening.close
    url = listening.url
  })
  afterAll(async () => {
    await close()
  })

  const get = (path: string, id: string) =>
    fetch(url + path, { headers: { 'x-request-id': id }, signal: AbortSignal.timeout(5000) })

  it.each([
    ['/r/in-router', 'from a router'],
    ['/admin/in-sub-app', 'from a sub-app'],
    ['/other/in-other-app', 'from another app'],
  ])('is bound to the request id in %s', async (path, message) => {
    const id = `req-log-${message.replaceAll(' ', '-')}`
    expect((await get(path, id)).status).toBe(200)
    expect(out.lines().find((l) => l.msg === message)).toMatchObject({ reqId: id })
  })

  it('can be replaced by assigning req.log', async () => {
    expect((await get('/assigned', 'req-log-assigned')).status).toBe(200)
    expect(out.lines().find((l) => l.msg === 'through the assigned logger')).toMatchObject({
      mine: true,
      reqId: 'req-log-assigned',
    })
  })

  it('writes the request line with the id when the handler never read req.log', async () => {
    expect((await get('/quiet', 'req-log-quiet')).status).toBe(200)
    const deadline = Date.now() + 5000
    let line: Record<string, any> | undefined
    while (line === undefined && Date.now() < deadline) {
      line = out.lines().find((l) => l.reqId === 'req-log-quiet' && l.msg === 'request completed')
      if (line === undefined) await new Promise((r) => setTimeout(r, 10))
    }
    expect(line).toMatchObject({ method: 'GET', path: '/quiet', route: '/quiet', status: 200 })
  })
})

describe('req.log on a plain node:http request', () => {
  it('is an own accessor, bound to the id', async () => {
    const lines = new MemoryStream()
    const own = createLogger({ destination: lines }, { env: { NODE_ENV: 'production' } })
    const middleware = requestLogger(own)
    const server = createServer((req, res) =>
      middleware(req, res, () => {
        ;(req as unknown as { log: Logger }).log.info('plain')
        res.end('ok')
      }),
    )
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
    try {
      const { port } = server.address() as AddressInfo
      await fetch(`http://127.0.0.1:${port}/`, {
        headers: { 'x-request-id': 'plain-1' },
        signal: AbortSignal.timeout(5000),
      })
      expect(lines.lines().find((l) => l.msg === 'plain')).toMatchObject({ reqId: 'plain-1' })
    } finally {
      server.closeAllConnections()
      await new Promise((resolve) => server.close(resolve))
    }
  })
})

describe('req.log when one middleware serves an Express app and a plain node:http server in turn', () => {
  it('stays bound to each request id (the last prototype seen is a shortcut, not a guess)', async () => {
    const lines = new MemoryStream()
    const own = createLogger({ destination: lines }, { env: { NODE_ENV: 'production' } })
    const middleware = requestLogger(own)
    const app = express()
    app.use(middleware)
    app.get('/', (req, res) => {
      logFrom(req, 'express')
      res.send('ok')
    })
    const plain = createServer((req, res) =>
      middleware(req, res, () => {
        ;(req as unknown as { log: Logger }).log.info('plain')
        res.end('ok')
      }),
    )
    await new Promise<void>((resolve) => plain.listen(0, '127.0.0.1', resolve))
    const expressServer = await listenExpress(app)
    try {
      const plainUrl = `http://127.0.0.1:${(plain.address() as AddressInfo).port}/`
      for (let round = 0; round < 3; round++) {
        for (const [target, kind] of [
          [expressServer.url, 'express'],
          [plainUrl, 'plain'],
        ] as const) {
          const id = `alternate-${kind}-${round}`
          const res = await fetch(target + (target.endsWith('/') ? '' : '/'), {
            headers: { 'x-request-id': id },
            signal: AbortSignal.timeout(5000),
          })
          expect(res.status).toBe(200)
          expect(lines.lines().filter((l) => l.msg === kind && l.reqId === id)).toHaveLength(1)
        }
      }
    } finally {
      plain.closeAllConnections()
      await new Promise((resolve) => plain.close(resolve))
      await expressServer.close()
    }
  })
})
