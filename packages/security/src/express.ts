import { EXPRESS_FACTS, requestFacts, requireOptional } from '@kit/internal'
import type { NextFunction, Request, RequestHandler, Response } from 'express'
import { MAX_FORM_FIELDS } from './body-limit.ts'
import { type FrameworkIO, pathOf } from './io.ts'
import type { SecurityOptions } from './options.ts'
import {
  SECURITY_STEPS,
  type Security,
  type SecurityStep,
  type SecuritySteps,
  toSecurity,
} from './security.ts'

/**
 * Express's own view of the request: req.secure and req.host follow `trust
 * proxy`, asked once per request and shared with the other steps (requestFacts).
 */
const expressIO: FrameworkIO<Request, Response> = {
  raw: (req) => req,
  secure: (req) => requestFacts(req, req, EXPRESS_FACTS).secure,
  host: (req) => requestFacts(req, req, EXPRESS_FACTS).host,
  url: (req) => req.originalUrl,
  setHeader: (res, name, value) => {
    res.setHeader(name, value)
  },
  getHeader: (res, name) => res.getHeader(name),
  removeHeader: (res, name) => res.removeHeader(name),
  send: (res, status, body) => {
    res.statusCode = status
    res.end(body)
  },
  getNonce: (res) => res.locals.cspNonce as string | undefined,
  setNonce: (res, nonce) => {
    res.locals.cspNonce = nonce
  },
  rawResponse: (res) => res,
  // What body-parser (through http-errors) raises before reading a body over its limit.
  tooLargeError: (length, limit) =>
    Object.assign(new Error('request entity too large'), {
      name: 'PayloadTooLargeError',
      status: 413,
      statusCode: 413,
      expose: true,
      type: 'entity.too.large',
      expected: length,
      length,
      limit,
    }),
}

type Input = Security | SecurityOptions | undefined

/** HTTPS redirect, allowed hosts (421) and canonical host redirect. */
export function httpsAndHosts(security?: Input): RequestHandler {
  const steps = toSecurity(security, 'httpsAndHosts').steps(expressIO)
  return function kitHttpsAndHosts(req, res, next) {
    if (!steps.hosts(req, res)) next()
  }
}

/** Security headers and the CSP nonce (`res.locals.cspNonce`). */
export function securityHeaders(security?: Input): RequestHandler {
  const steps = toSecurity(security, 'securityHeaders').steps(expressIO)
  return function kitSecurityHeaders(req, res, next) {
    steps.headers(req, res)
    next()
  }
}

/** The CSP violation report endpoint (POST to `csp.reportPath`). */
export function cspReportRoute(security?: Input): RequestHandler {
  const steps = toSecurity(security, 'cspReportRoute').steps(expressIO)
  return function kitCspReport(req, res, next) {
    if (steps.cspReport(req, res) === undefined) next()
  }
}

/** CORS headers from the allowlist; preflights are answered here. */
export function corsPolicy(security?: Input): RequestHandler {
  const steps = toSecurity(security, 'corsPolicy').steps(expressIO)
  return function kitCors(req, res, next) {
    if (!steps.cors(req, res)) next()
  }
}

/** Refuses cross-site state-changing requests (403). */
export function csrfProtection(security?: Input): RequestHandler {
  const steps = toSecurity(security, 'csrfProtection').steps(expressIO)
  return function kitCsrf(req, res, next) {
    if (!steps.csrf(req, res)) next()
  }
}

/** MAX_UPLOAD_SIZE on JSON, urlencoded and raw (octet-stream) bodies, parsed into req.body; 413 past it. */
export function bodyLimits(security?: Input): RequestHandler {
  const resolved = toSecurity(security, 'bodyLimits')
  const config = resolved.config.bodyLimit
  if (config === undefined) {
    return function kitBodyLimits(_req, _res, next) {
      next()
    }
  }
  const steps = resolved.steps(expressIO)
  const { limit } = config
  // Express's own parsers, required here rather than imported at the top:
  // this entry point must load in an app that has no express installed
  // (docs/internals/module-loading.md). Resolved from the app first.
  const express = requireOptional<typeof import('express')>('express', 'bodyLimits()')
  const parsers: RequestHandler[] = [
    express.json({ limit }),
    express.urlencoded({ limit, extended: false, parameterLimit: MAX_FORM_FIELDS }),
    express.raw({ limit, type: 'application/octet-stream' }),
  ]
  return function kitBodyLimits(req, res, next) {
    const refused = steps.bodyLimit(req, res)
    if (refused !== false) {
      if (refused !== true) next(refused)
      return
    }
    const headers = req.headers
    if (headers['content-length'] === undefined && headers['transfer-encoding'] === undefined) return next()
    if (config.exempt(req, pathOf(req.originalUrl))) return next()
    runParsers(parsers, steps, req, res, next)
  }
}

function runParsers(
  parsers: RequestHandler[],
  steps: SecuritySteps<Request, Response>,
  req: Request,
  res: Response,
  next: NextFunction,
): void {
  let index = 0
  const step = (error?: unknown): void => {
    if (error !== undefined && error !== null) {
      if (!steps.bodyError(req, res, error)) next(error)
      return
    }
    const parser = parsers[index++]
    if (parser === undefined) next()
    else parser(req, res, step)
  }
  step()
}

export interface ExpressSecurityOptions {
  /** Only these steps, in pipeline order (rate limits go between 'csrf' and 'bodyLimit'). @default all */
  steps?: readonly SecurityStep[]
}

const FACTORIES: Record<SecurityStep, (security: Security) => RequestHandler> = {
  hosts: httpsAndHosts,
  headers: securityHeaders,
  cspReport: cspReportRoute,
  cors: corsPolicy,
  csrf: csrfProtection,
  bodyLimit: bodyLimits,
}

/** The steps' middleware in pipeline order: `app.use(kitSecurity(security))`. */
export function kitSecurity(security?: Input, options: ExpressSecurityOptions = {}): RequestHandler[] {
  const resolved = toSecurity(security, 'kitSecurity')
  const wanted = options.steps ?? SECURITY_STEPS
  return SECURITY_STEPS.filter((step) => wanted.includes(step)).map((step) => FACTORIES[step](resolved))
}
