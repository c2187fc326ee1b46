import type { Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import type { KitLogger } from '@kit/internal'
import type { KitContext } from './context.ts'

/**
 * The one line an operator reads at start: where it listens, what is on, and
 * which embedded defaults (memory stores, PGlite, .eml mail) are standing in
 * for production services.
 */
export function logStartup(log: KitLogger, ctx: KitContext, server: Server): void {
  const address = server.address() as AddressInfo | null
  const host = address ? (address.family === 'IPv6' ? `[${address.address}]` : address.address) : 'unknown'
  const url = `http://${host === '0.0.0.0' || host === '[::]' ? 'localhost' : host}:${address?.port ?? '?'}`
  log.info(
    {
      url,
      framework: ctx.framework,
      nodeEnv: ctx.env.NODE_ENV,
      features: ctx.features,
      embeddedDefaults: ctx.embedded,
      trustProxy: ctx.trustProxy.description,
    },
    `listening on ${url} (${ctx.framework}, ${ctx.env.NODE_ENV})${ctx.embedded.length ? `; embedded defaults: ${ctx.embedded.map((e) => e.split(':')[0]).join(', ')}` : ''}`,
  )
}
