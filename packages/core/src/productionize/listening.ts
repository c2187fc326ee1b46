import type { Server } from 'node:http'
import { applyServerTimeouts } from '../server/timeouts.ts'
import { type KitSetup, startConnections } from './setup.ts'
import { logStartup } from './startup-line.ts'

/**
 * What kit does once the server listens — server timeouts, background
 * connections, signal handling and drain, readiness "started", the start-up
 * line — as one function that runs once per app, whoever started the server:
 * `kit.listen()`, or the app's own `app.listen()` / `fastify.listen()` (an app
 * built as a Fastify plugin, or started by fastify-cli, never holds the kit
 * handle; without this its readiness stayed 503 "server not started").
 */
export function whenListening(setup: KitSetup): (server: Server) => void {
  let done = false
  return (server) => {
    if (done) return
    done = true
    applyServerTimeouts(server, setup.ctx.serverTimeouts)
    startConnections(setup.ctx, setup.health, setup.log, setup.flags, setup.metrics)
    setup.health.attach(server)
    setup.health.markStarted()
    logStartup(setup.log, setup.ctx, server)
  }
}
