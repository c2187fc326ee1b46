import type { Server } from 'node:http'
import { type HealthCheck, KitError, type ShutdownHook } from '@kit/internal'
import type { HealthCheckInput } from './options.ts'
import { isShutdownPhase, SHUTDOWN_PHASES } from './shutdown-phases.ts'
import { describe } from './validators.ts'

/** Turns `{ name: fn }` / `{ name: { check } }` config entries and addCheck() arguments into valid checks. */
export function normaliseCheck(key: string | undefined, input: HealthCheckInput | HealthCheck): HealthCheck {
  if (typeof input !== 'function' && (input === null || typeof input !== 'object')) {
    throw invalidCheck(
      `Health check "${key ?? '?'}" needs a check function, got ${describe(input)}. Use { name, check: async () => { ... } }.`,
    )
  }
  const check: Partial<HealthCheck> =
    typeof input === 'function' ? { name: key, check: input } : { ...input, name: input.name ?? key }
  if (typeof check.name !== 'string' || check.name.trim() === '') {
    throw invalidCheck(`A health check needs a name, got ${describe(check.name)}.`)
  }
  if (typeof check.check !== 'function') {
    throw invalidCheck(
      `Health check "${check.name}" needs a check function, got ${describe(check.check)}. Use { name, check: async () => { ... } }.`,
    )
  }
  for (const field of ['timeoutMs', 'cacheForMs'] as const) {
    const value = check[field]
    const min = field === 'timeoutMs' ? 1 : 0
    if (value !== undefined && (typeof value !== 'number' || !Number.isInteger(value) || value < min)) {
      throw invalidCheck(
        `Health check "${check.name}": ${field} must be a whole number of milliseconds of at least ${min}, got ${describe(value)}.`,
      )
    }
  }
  if (check.critical !== undefined && typeof check.critical !== 'boolean') {
    throw invalidCheck(
      `Health check "${check.name}": critical must be true or false, got ${describe(check.critical)}.`,
    )
  }
  return check as HealthCheck
}

export function normaliseHook(hook: ShutdownHook): ShutdownHook {
  if (!hook || typeof hook !== 'object' || typeof hook.name !== 'string' || !hook.name) {
    throw new KitError(
      'KIT_HEALTH_INVALID_HOOK',
      `A shutdown hook needs a name, got ${describe(hook?.name)}.`,
    )
  }
  if (typeof hook.close !== 'function') {
    throw new KitError(
      'KIT_HEALTH_INVALID_HOOK',
      `Shutdown hook "${hook.name}" needs a close function, e.g. { name: "${hook.name}", close: () => client.quit() }.`,
    )
  }
  const t = hook.timeoutMs
  if (t !== undefined && (typeof t !== 'number' || !Number.isInteger(t) || t < 1)) {
    throw new KitError(
      'KIT_HEALTH_INVALID_HOOK',
      `Shutdown hook "${hook.name}": timeoutMs must be a whole number of milliseconds, got ${describe(t)}.`,
    )
  }
  if (hook.phase !== undefined && !isShutdownPhase(hook.phase)) {
    throw new KitError(
      'KIT_HEALTH_INVALID_HOOK',
      `Shutdown hook "${hook.name}": phase must be one of ${SHUTDOWN_PHASES.join(', ')}, got ${describe(hook.phase)}.`,
    )
  }
  return { ...hook }
}

/** attach() takes the http.Server, not the app: name the usual mistakes. */
export function requireServer(server: unknown): asserts server is Server {
  const s = server as (Partial<Server> & { server?: unknown; listen?: unknown }) | null
  const isServer =
    s !== null &&
    typeof s === 'object' &&
    typeof s.close === 'function' &&
    typeof s.closeIdleConnections === 'function' &&
    typeof s.prependListener === 'function'
  if (isServer) return
  const hint =
    s && typeof s === 'object' && s.server
      ? ' It looks like a Fastify instance: pass `fastify.server`.'
      : typeof server === 'function' && 'listen' in server
        ? ' It looks like an Express app: pass the server `app.listen()` returns.'
        : ''
  throw new KitError(
    'KIT_HEALTH_NOT_A_SERVER',
    `attach() needs a node:http server, got ${describe(server)}.${hint}`,
  )
}

function invalidCheck(message: string): KitError {
  return new KitError('KIT_HEALTH_INVALID_CHECK', message)
}
