import type { Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { MemoryStream } from '@kit/test-utils'
import express from 'express'
import Fastify from 'fastify'
import type { KitConfig } from '../../src/config/types.ts'
import { fastifyOptions, type Kit, productionize } from '../../src/index.ts'

export interface StartedKit {
  kit: Kit<any>
  app: any
  url: string
  server: Server
  close(): Promise<void>
}

/**
 * productionize() + routes + kit.listen() on 127.0.0.1:0, for either
 * framework, with env from `config.envSource` (default: a bare test env).
 */
export async function startKit(
  framework: 'express' | 'fastify',
  config: KitConfig,
  routes: (app: any, kit: Kit<any>) => void = () => {},
): Promise<StartedKit> {
  const full: KitConfig = {
    ...config,
    // Tests keep their log output unless they look at it.
    logger: { destination: new MemoryStream(), ...config.logger },
    envSource: { NODE_ENV: 'test', ...config.envSource },
    // No signal handlers in a test worker; kit.shutdown() itself never exits the process.
    health: { signals: false, ...config.health },
  }
  const app: any = framework === 'express' ? express() : Fastify(fastifyOptions(full) as never)
  const kit = await productionize(app, full)
  routes(app, kit)
  const server = await kit.listen({ port: 0, host: '127.0.0.1' })
  const { port } = server.address() as AddressInfo
  return { kit, app, url: `http://127.0.0.1:${port}`, server, close: () => kit.shutdown() }
}

/** Polls `url` until it answers `status` (readiness is eventually consistent: checks are cached ~1 s). */
export async function waitForStatus(url: string, status: number, timeoutMs = 10_000): Promise<number> {
  const deadline = Date.now() + timeoutMs
  let last = 0
  while (Date.now() < deadline) {
    last = (await fetch(url).catch(() => undefined))?.status ?? 0
    if (last === status) return last
    await new Promise((r) => setTimeout(r, 100))
  }
  return last
}
