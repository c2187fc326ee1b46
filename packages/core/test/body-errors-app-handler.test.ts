import { createServer, type Server } from 'node:http'
import { type AddressInfo, connect } from 'node:net'
import fastifyMultipart from '@fastify/multipart'
import { MemoryStream } from '@kit/test-utils'
import express from 'express'
import Fastify from 'fastify'
import multer from 'multer'
import { afterEach, describe, expect, it } from 'vitest'
import { fastifyOptions, type KitConfig, productionize } from '../src/index.ts'

/** A JSON body, typed loosely for assertions. */
const jsonOf = (res: Response): Promise<any> => res.json()

// Regression tests from trying kit in real apps (issue 16): an app's own error
// handler renders body errors as it did before kit; kit's body stays the default.

const FRAMEWORKS = ['express', 'fastify'] as const
type Framework = (typeof FRAMEWORKS)[number]

let closeRunning: (() => Promise<void>) | undefined
afterEach(async () => {
  await closeRunning?.()
  closeRunning = undefined
})

function config(envSource: Record<string, string> = {}, extra: KitConfig = {}): KitConfig {
  return {
    envSource: { NODE_ENV: 'test', MAX_UPLOAD_SIZE: '1kb', ...envSource },
    health: { signals: false },
    logger: { destination: new MemoryStream() },
    ...extra,
  }
}

/** What an app's own error handler answers: enough of the error to see it is the framework's own kind. */
const appErrorBody = (error: any) => ({
  app: true,
  status: error.status ?? error.statusCode,
  type: error.type,
  code: error.code,
  expose: error.expose,
  message: error.message,
})

/** productionize(), the routes, then (optionally) the app's own error handler; real HTTP on a listening server. */
async function serve(
  framework: Framework,
  kitConfig: KitConfig,
  options: { ownErrorHandler: boolean; routes?: (app: any) => void | Promise<void> },
): Promise<string> {
  let server: Server
  if (framework === 'express') {
    const app = express()
    const kit = await productionize(app, kitConfig)
    app.post('/echo', (req, res) => {
      res.json({ body: req.body ?? null })
    })
    await options.routes?.(app)
    if (options.ownErrorHandler) {
      app.use((error: any, _req: any, res: any, _next: any) => {
        res.status(error.status ?? 500).json(appErrorBody(error))
      })
    }
    server = createServer(app)
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
    closeRunning = async () => {
      await new Promise((resolve) => server.close(resolve))
      await kit.shutdown()
    }
  } else {
    const app = Fastify(fastifyOptions(kitConfig) as never)
    await productionize(app, kitConfig)
    if (options.ownErrorHandler) {
      app.setErrorHandler((error: any, _request, reply) => {
        reply.code(error.statusCode ?? 500).send(appErrorBody(error))
      })
    }
    app.post('/echo', async (request) => ({ body: request.body ?? null }))
    await options.routes?.(app)
    await app.listen({ port: 0, host: '127.0.0.1' })
    server = app.server as unknown as Server
    closeRunning = () => app.close()
  }
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`
}

const post = (url: string, contentType: string, body: string | FormData) =>
  fetch(`${url}/echo`, {
    method: 'POST',
    ...(typeof body === 'string' ? { headers: { 'content-type': contentType } } : {}),
    body,
  })

describe.each(FRAMEWORKS)('body errors on %s', (framework) => {
  it("an app's own error handler gets a body over MAX_UPLOAD_SIZE as the framework's own 413 error", async () => {
    const url = await serve(framework, config(), { ownErrorHandler: true })
    const res = await post(url, 'application/json', JSON.stringify({ a: 'x'.repeat(2000) }))
    expect(res.status).toBe(413)
    const body = await jsonOf(res)
    expect(body.app).toBe(true)
    if (framework === 'express') {
      expect(body).toMatchObject({
        type: 'entity.too.large',
        expose: true,
        message: 'request entity too large',
      })
    } else {
      expect(body).toMatchObject({ code: 'FST_ERR_CTP_BODY_TOO_LARGE', message: 'Request body is too large' })
    }
    expect(res.headers.get('connection')).toBe('close')
  })

  it("an app's own error handler gets malformed JSON as the framework's own 400 error", async () => {
    const url = await serve(framework, config(), { ownErrorHandler: true })
    const res = await post(url, 'application/json', '{"a":')
    expect(res.status).toBe(400)
    const body = await jsonOf(res)
    expect(body.app).toBe(true)
    if (framework === 'express') expect(body).toMatchObject({ type: 'entity.parse.failed', expose: true })
    else expect(body.code).toMatch(/^FST_ERR_CTP_/)
  })

  it("an app's own error handler gets an unsupported charset / media type as the framework's 415", async () => {
    const url = await serve(framework, config(), { ownErrorHandler: true })
    const res =
      framework === 'express'
        ? await post(url, 'application/json; charset=iso-8859-1', '{"a":1}')
        : await post(url, 'application/x-unknown', 'a')
    expect(res.status).toBe(415)
    const body = await jsonOf(res)
    expect(body.app).toBe(true)
    if (framework === 'express') expect(body.type).toBe('charset.unsupported')
    else expect(body.code).toBe('FST_ERR_CTP_INVALID_MEDIA_TYPE')
  })

  it("without an app error handler, kit's own refusal answers (413 and malformed JSON)", async () => {
    const url = await serve(framework, config(), { ownErrorHandler: false })
    const tooLarge = await post(url, 'application/json', JSON.stringify({ a: 'x'.repeat(2000) }))
    expect(tooLarge.status).toBe(413)
    expect(tooLarge.headers.get('connection')).toBe('close')
    expect((await jsonOf(tooLarge)).error).toMatchObject({
      status: 413,
      title: 'Payload Too Large',
      code: 'KIT_SECURITY_BODY_TOO_LARGE',
      message: 'The request body is larger than the 1024 bytes this server accepts (MAX_UPLOAD_SIZE).',
    })
    const malformed = await post(url, 'application/json', '{"a":')
    expect(malformed.status).toBe(400)
    const error = (await jsonOf(malformed)).error
    expect(error.status).toBe(400)
    if (framework === 'express') expect(error.code).toBe('KIT_SECURITY_MALFORMED_BODY')
    else expect(error.code).toMatch(/^FST_ERR_CTP_/)
  })
})

describe('multipart uploads: the app parser limits apply, not MAX_UPLOAD_SIZE', () => {
  const upload = (bytes: number) => {
    const form = new FormData()
    form.append('file', new Blob([Buffer.alloc(bytes, 7)]), 'f.bin')
    return form
  }

  it('Express + multer: a 4 kB upload passes a 1 kB MAX_UPLOAD_SIZE; multer own LIMIT_FILE_SIZE answers past its limit', async () => {
    const url = await serve('express', config(), {
      ownErrorHandler: true,
      routes: (app) => {
        const files = multer({ storage: multer.memoryStorage(), limits: { fileSize: 8 * 1024 } })
        app.post('/upload', files.single('file'), (req: any, res: any) => {
          res.json({ size: req.file.size })
        })
      },
    })
    const ok = await fetch(`${url}/upload`, { method: 'POST', body: upload(4096) })
    expect(ok.status).toBe(200)
    expect(await jsonOf(ok)).toEqual({ size: 4096 })
    const over = await fetch(`${url}/upload`, { method: 'POST', body: upload(9000) })
    expect(over.status).toBe(500)
    expect(await jsonOf(over)).toMatchObject({ app: true, code: 'LIMIT_FILE_SIZE' })
  })

  it('Fastify + @fastify/multipart: its own limits answer (FST_REQ_FILE_TOO_LARGE), not kit 413', async () => {
    const url = await serve('fastify', config(), {
      ownErrorHandler: true,
      routes: async (app) => {
        await app.register(fastifyMultipart, { limits: { fileSize: 8 * 1024 } })
        app.post('/upload', async (request: any) => {
          const file = await request.file()
          return { size: (await file.toBuffer()).length }
        })
      },
    })
    const ok = await fetch(`${url}/upload`, { method: 'POST', body: upload(4096) })
    expect(ok.status).toBe(200)
    expect(await jsonOf(ok)).toEqual({ size: 4096 })
    const over = await fetch(`${url}/upload`, { method: 'POST', body: upload(9000) })
    expect(over.status).toBe(413)
    expect(await jsonOf(over)).toMatchObject({ app: true, code: 'FST_REQ_FILE_TOO_LARGE' })
  })

  it.each(FRAMEWORKS)(
    '%s: without bodyLimit.multipart, a multipart request over 100 MiB is refused before a byte is read',
    async (framework) => {
      const url = await serve(framework, config(), {
        ownErrorHandler: false,
        routes: async (app) => {
          if (framework === 'fastify') await app.register(fastifyMultipart)
          app.post('/upload', (_req: any, res: any) => (framework === 'express' ? res.json({}) : {}))
        },
      })
      // Only the head is sent: an app whose parser has no limit (multer's default) must not be left to read it.
      const { port } = new URL(url)
      const socket = connect(Number(port), '127.0.0.1')
      socket.write(
        [
          'POST /upload HTTP/1.1',
          'Host: 127.0.0.1',
          'Content-Type: multipart/form-data; boundary=x',
          `Content-Length: ${100 * 1024 * 1024 + 1}`,
          '',
          '',
        ].join('\r\n'),
      )
      let head = ''
      for await (const chunk of socket) {
        head += chunk.toString('latin1')
        if (head.includes('\r\n\r\n')) break
      }
      socket.destroy()
      expect(head).toMatch(/^HTTP\/1\.1 413 /)
    },
  )

  it.each(FRAMEWORKS)(
    '%s: security.bodyLimit.multipart is an outer bound on multipart requests',
    async (framework) => {
      const kitConfig = config({}, { security: { bodyLimit: { multipart: '2kb' } } })
      const url = await serve(framework, kitConfig, {
        ownErrorHandler: false,
        routes: async (app) => {
          if (framework === 'fastify') await app.register(fastifyMultipart)
          app.post('/upload', (_req: any, res: any) => (framework === 'express' ? res.json({}) : {}))
        },
      })
      const res = await fetch(`${url}/upload`, { method: 'POST', body: upload(4096) })
      expect(res.status).toBe(413)
      expect((await jsonOf(res)).error).toMatchObject({
        code: 'KIT_SECURITY_BODY_TOO_LARGE',
        message: 'The request body is larger than the 2048 bytes this server accepts (bodyLimit.multipart).',
      })
    },
  )
})
