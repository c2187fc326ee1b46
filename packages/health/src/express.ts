import { KitError } from '@kit/internal'
import type { NextFunction, Request, RequestHandler, Response } from 'express'
import type { Health } from './health.ts'
import type { HealthResponse } from './report.ts'

/** Answers the health endpoints; mount it right after request logging, before security and rate limits. */
export function healthRoutes(health: Health): RequestHandler {
  requireHealth(health, 'healthRoutes')
  return function kitHealthRoutes(req: Request, res: Response, next: NextFunction): void {
    const response = health.respond(req)
    if (response) response.then((r) => send(res, r), next)
    else next()
  }
}

/** 503 + Retry-After for every non-health request while the process is overloaded; mount after healthRoutes. */
export function loadShedding(health: Health): RequestHandler {
  requireHealth(health, 'loadShedding')
  return function kitLoadShedding(req: Request, res: Response, next: NextFunction): void {
    if (health.shouldShed(req)) send(res, health.shedResponse(req, requestIdOf(res)))
    else next()
  }
}

/** The id @kit/logger echoed on the response, if it runs first. */
function requestIdOf(res: Response): string | undefined {
  const id = res.getHeader('x-request-id')
  return typeof id === 'string' ? id : undefined
}

function send(res: Response, response: HealthResponse): void {
  res.writeHead(response.statusCode, response.headers).end(response.body)
}

function requireHealth(health: unknown, name: string): asserts health is Health {
  if (health && typeof (health as Health).respond === 'function') return
  throw new KitError(
    'KIT_HEALTH_MIDDLEWARE_NOT_CALLED',
    `${name}() needs the instance createHealth() returned: app.use(${name}(health)), not app.use(${name}).`,
  )
}
