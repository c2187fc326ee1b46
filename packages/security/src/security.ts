import { attachRefusal, KitError, silentLogger } from '@kit/internal'
import { applyContentLength, describeBodyError, tooLargeBody } from './body-limit.ts'
import { resolveConfig, type SecurityConfig } from './config.ts'
import { applyCors } from './cors.ts'
import { createNonce, policyWithNonce } from './csp/nonce.ts'
import { createCspReportEndpoint } from './csp/report-endpoint.ts'
import { applyCsrf } from './csrf.ts'
import {
  headerTargetOf,
  type PreparedHeader,
  prepareHeader,
  removeHeader,
  writeHeader,
} from './header-writer.ts'
import { applyHosts } from './hosts.ts'
import { type FrameworkIO, pathOf, refusalBody, sendRefusal } from './io.ts'
import { createEventLog } from './log.ts'
import type { SecurityContext, SecurityOptions } from './options.ts'

/** The pipeline steps, in the order DESIGN §6 runs them (rate limits go between csrf and bodyLimit). */
export const SECURITY_STEPS = ['hosts', 'headers', 'cspReport', 'cors', 'csrf', 'bodyLimit'] as const
export type SecurityStep = (typeof SECURITY_STEPS)[number]

/**
 * One framework's step functions. Each returns true (or a promise) when it
 * answered the request itself, so the caller must not continue.
 */
export interface SecuritySteps<Req, Res> {
  /** Allowed hosts (421), HTTP → HTTPS, alias → canonical host. */
  hosts(req: Req, res: Res): boolean
  /** Static headers, CSP with a fresh nonce; on HTTPS also HSTS and Reporting-Endpoints; removes X-Powered-By. */
  headers(req: Req, res: Res): void
  /** POST to the report path: answers it (the promise settles when done). */
  cspReport(req: Req, res: Res): Promise<void> | undefined
  /** CORS headers; answers preflights. */
  cors(req: Req, res: Res): boolean
  /** Refuses cross-site state-changing requests with 403. */
  csrf(req: Req, res: Res): boolean
  /**
   * Refuses a declared Content-Length over the limit with 413: true when it
   * answered, or (context `passBodyErrors`) the framework's own too-large
   * error for the caller to pass on, marked with kit's refusal.
   */
  bodyLimit(req: Req, res: Res): boolean | Error
  /**
   * A body parser's client error (413, 400, 415): logs it, then answers it
   * (true), or with context `passBodyErrors` marks it with kit's refusal and
   * returns false so the caller passes it on. False for errors that are not the client's.
   */
  bodyError(req: Req, res: Res, error: unknown): boolean
}

const instances = new WeakSet<object>()
const POWERED_BY = prepareHeader('X-Powered-By', '')

export interface Security {
  readonly config: SecurityConfig
  /** Ids of the start-up warnings that were logged. */
  readonly warnings: readonly string[]
  /** The step functions for a framework (cached per `io`). */
  steps<Req, Res>(io: FrameworkIO<Req, Res>): SecuritySteps<Req, Res>
}

export function isSecurity(value: unknown): value is Security {
  return typeof value === 'object' && value !== null && instances.has(value)
}

/**
 * Resolves the options once (throwing a KitError for any misconfiguration)
 * and returns the security pipeline, shared by the Express and Fastify
 * adapters.
 */
export function createSecurity(options: SecurityOptions = {}, context: SecurityContext = {}): Security {
  const { config, warnings } = resolveConfig(options, context)
  const log = context.log ?? silentLogger
  const events = createEventLog(log, 10)
  const report = config.csp ? createCspReportEndpoint(config.csp, log, events) : undefined
  const skip = context.skip
  const pass = context.passBodyErrors === true
  const cache = new WeakMap<object, SecuritySteps<unknown, unknown>>()
  const prepared = prepareHeaders(config)

  const build = <Req, Res>(io: FrameworkIO<Req, Res>): SecuritySteps<Req, Res> => {
    const { hosts, https, hsts, csp, cors, csrf, bodyLimit } = config
    const block = prepared.block
    const count = block.length
    const body413 = bodyLimit ? tooLargeBody(bodyLimit.limit) : ''
    const skipped = skip ? (req: Req) => skip(io.raw(req)) : () => false
    const needHostStep = https.force || hosts.allowed !== undefined || hosts.canonical !== undefined

    return {
      hosts(req, res) {
        if (!needHostStep || skipped(req)) return false
        // Asked once: on Express each req.secure walks X-Forwarded-For through proxy-addr.
        const secure = io.secure(req)
        if (https.force && !secure && io.raw(req).headers['x-forwarded-proto'] === 'https') {
          warnings.warn(
            'untrusted-forwarded-proto',
            'a request said X-Forwarded-Proto: https but its peer is not a trusted proxy, so it is redirected to HTTPS again. Set TRUST_PROXY (Express trust proxy / Fastify trustProxy) to your proxy, or requests loop.',
          )
        }
        return applyHosts(hosts, https, io, req, res, events, secure)
      },
      headers(req, res) {
        if (skipped(req)) return
        // The whole static block in one pass: straight into node:http's header store on
        // Express (checked at start-up, header-writer.ts), through the framework otherwise.
        const target = headerTargetOf(io, res)
        removeHeader(io, res, target, POWERED_BY)
        for (let i = 0; i < count; i++) writeHeader(io, res, target, block[i]!)
        if (hsts === undefined && csp === undefined) return
        const secure = io.secure(req)
        if (secure && prepared.hsts !== undefined) writeHeader(io, res, target, prepared.hsts)
        if (csp === undefined) return
        if (secure && prepared.reportingEndpoints !== undefined)
          writeHeader(io, res, target, prepared.reportingEndpoints)
        const policy = secure ? prepared.csp! : prepared.insecureCsp!
        if (!csp.nonce) return writeHeader(io, res, target, policy)
        // Installed twice: keep the nonce the page may already have read.
        let nonce = io.getNonce(res)
        if (!nonce) {
          nonce = createNonce()
          io.setNonce(res, nonce)
        }
        writeHeader(io, res, target, policy, policyWithNonce(secure ? csp.parts : csp.insecureParts, nonce))
      },
      cspReport(req, res) {
        if (report === undefined) return undefined
        return report.handle(io, req, res)
      },
      cors(req, res) {
        if (cors === undefined || skipped(req)) return false
        return applyCors(cors, io, req, res, events)
      },
      csrf(req, res) {
        if (csrf === undefined || skipped(req)) return false
        return applyCsrf(csrf, io, req, res, events, report?.path)
      },
      bodyLimit(req, res) {
        if (bodyLimit === undefined || skipped(req)) return false
        return applyContentLength(bodyLimit, body413, io, req, res, events, pass)
      },
      bodyError(req, res, error) {
        const refusal = describeBodyError(error, bodyLimit?.limit ?? 0)
        if (refusal === undefined) return false
        const path = pathOf(io.url(req))
        events.log(
          'body-limit',
          { path, status: refusal.status },
          'refused a request body the parsers could not accept',
        )
        if (pass && typeof error === 'object' && error !== null) {
          attachRefusal(error, refusal)
          if (refusal.status === 413) io.setHeader(res, 'Connection', 'close')
          return false
        }
        const { status, title, code, message } = refusal
        sendRefusal(io, res, status, refusalBody(status, title, code, message), status === 413)
        return true
      },
    }
  }

  const security: Security = {
    config,
    warnings: warnings.emitted,
    steps<Req, Res>(io: FrameworkIO<Req, Res>): SecuritySteps<Req, Res> {
      let steps = cache.get(io) as SecuritySteps<Req, Res> | undefined
      if (!steps) {
        steps = build(io)
        cache.set(io, steps as SecuritySteps<unknown, unknown>)
      }
      return steps
    },
  }
  instances.add(security)
  return security
}

/**
 * Every header the headers step writes, checked once here as Node would
 * check it per request (header-writer.ts). The CSP is checked with a
 * stand-in nonce: the real one is base64 (createNonce).
 */
function prepareHeaders(config: SecurityConfig): {
  block: readonly PreparedHeader[]
  hsts: PreparedHeader | undefined
  reportingEndpoints: PreparedHeader | undefined
  csp: PreparedHeader | undefined
  insecureCsp: PreparedHeader | undefined
} {
  const { csp, hsts } = config
  const policy = (parts: readonly string[]) => prepareHeader(csp!.headerName, policyWithNonce(parts, 'NONCE'))
  return {
    block: config.staticHeaders.map(([name, value]) => prepareHeader(name, value)),
    hsts: hsts === undefined ? undefined : prepareHeader('Strict-Transport-Security', hsts),
    reportingEndpoints:
      csp?.reportingEndpoints === undefined
        ? undefined
        : prepareHeader('Reporting-Endpoints', csp.reportingEndpoints),
    csp: csp && policy(csp.parts),
    insecureCsp: csp && policy(csp.insecureParts),
  }
}

/**
 * Adapters accept a Security or its options. `app.use(securityHeaders)`
 * (the factory itself, not its result) hands Express's request in here:
 * say how to fix it.
 */
export function toSecurity(value: Security | SecurityOptions | undefined, factory: string): Security {
  if (isSecurity(value)) return value
  const maybeRequest = value as { method?: unknown; headers?: unknown } | undefined
  if (maybeRequest && typeof maybeRequest.method === 'string' && typeof maybeRequest.headers === 'object') {
    throw new KitError(
      'KIT_SECURITY_MIDDLEWARE_NOT_CALLED',
      `${factory} was passed to app.use() without being called. Write app.use(${factory}(security)) instead of app.use(${factory}).`,
    )
  }
  return createSecurity(value ?? {})
}
