/**
 * Issue 22, pino row: kit.config's `logger` takes an existing pino instance
 * and pino's own options (a transport here), on both frameworks through
 * productionize(); requests are logged through them with kit's request ids
 * and redaction. On main before this change both were silently ignored.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import type { AddressInfo } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { setTimeout as sleep } from 'node:timers/promises'
import { MemoryStream } from '@kit/test-utils'
import express from 'express'
import Fastify from 'fastify'
import { pino } from 'pino'
import { afterAll, describe, expect, it } from 'vitest'
import type { KitConfig } from '../src/config/types.ts'
import { fastifyOptions, productionize } from '../src/index.ts'

const CANARY = 'canary-secret-51e0d7a2c4'
const dir = mkdtempSync(join(tmpdir(), 'kit-pino-dialect-'))
afterAll(() => rmSync(dir, { recursive: true, force: true }))

async function start(framework: 'express' | 'fastify', logger: KitConfig['logger']) {
  const config: KitConfig = {
    logger,
    envSource: { NODE_ENV: 'test' },
    health: { signals: false },
  }
  const app: any = framework === 'express' ? express() : Fastify(fastifyOptions(config) as never)
  const kit = await productionize(app, config)
  app.get('/orders/:id', (_req: any, res: any) => {
    kit.log.info({ password: CANARY }, 'order read')
    return framework === 'express' ? res.json({ ok: true }) : { ok: true }
  })
  const server = await kit.listen({ port: 0, host: '127.0.0.1' })
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
  return { url, close: () => kit.shutdown() }
}

/** Lines with this request id, once its request line is there (bounded wait: it is written after the response). */
async function linesOf(read: () => string, id: string): Promise<Record<string, any>[]> {
  const deadline = Date.now() + 10_000
  for (;;) {
    const lines = read()
      .split('\n')
      .filter(Boolean)
      .map((l) => JSON.parse(l))
      .filter((l) => l.reqId === id)
    if (lines.some((l) => l.msg === 'request completed') || Date.now() > deadline) return lines
    await sleep(20)
  }
}

describe.each(['express', 'fastify'] as const)('kit.config logger on %s', (framework) => {
  it('takes the app’s pino instance and logs requests through it', async () => {
    const out = new MemoryStream()
    const instance = pino({ base: { app: 'legacy' }, redact: ['order.card'] }, out)
    const { url, close } = await start(framework, instance)
    try {
      const id = `pino-instance-${framework}`
      const res = await fetch(`${url}/orders/7?token=${CANARY}`, {
        headers: { 'x-request-id': id },
        signal: AbortSignal.timeout(5000),
      })
      expect(res.status).toBe(200)
      const lines = await linesOf(() => out.text(), id)
      expect(lines.map((l) => l.msg)).toEqual(['order read', 'request completed'])
      expect(lines[0]).toMatchObject({ app: 'legacy', password: '[REDACTED]' })
      expect(lines[1]).toMatchObject({ app: 'legacy', path: '/orders/7', route: '/orders/:id', status: 200 })
      expect(out.text()).not.toContain(CANARY)
    } finally {
      await close()
    }
  })

  it('passes pino options through: a pino/file transport gets the request lines, redacted', async () => {
    const file = join(dir, `${framework}.log`)
    const { url, close } = await start(framework, {
      transport: { target: 'pino/file', options: { destination: file } },
      messageKey: 'message',
    })
    const id = `pino-transport-${framework}`
    try {
      const res = await fetch(`${url}/orders/8`, {
        headers: { 'x-request-id': id, authorization: `Bearer ${CANARY}` },
        signal: AbortSignal.timeout(5000),
      })
      expect(res.status).toBe(200)
    } finally {
      // The shutdown flushes the transport (loggerShutdownHook) before it resolves.
      await close()
    }
    const read = () => {
      try {
        return readFileSync(file, 'utf8').replaceAll('"message":', '"msg":')
      } catch {
        return ''
      }
    }
    const lines = await linesOf(read, id)
    expect(lines.map((l) => l.msg)).toEqual(['order read', 'request completed'])
    expect(lines[1]).toMatchObject({ method: 'GET', path: '/orders/8', status: 200 })
    expect(read()).not.toContain(CANARY)
  })
})
