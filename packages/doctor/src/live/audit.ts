import { readFileSync } from 'node:fs'
import { createSecureContext, rootCertificates, type SecureContext } from 'node:tls'
import { KitError } from '@kit/internal'
import type { ObservatoryTest } from '../observatory/result.ts'
import { runChecks } from '../runner.ts'
import type { CheckResult } from '../types.ts'
import { LIVE_CHECKS } from './checks/index.ts'
import { collect } from './collect.ts'
import { createAuditContext } from './context.ts'
import {
  describeLocalRun,
  type LocalModeOptions,
  type LocalModeReport,
  planLocalMode,
  startLocalSession,
} from './local/local-mode.ts'

export interface AuditOptions {
  /** The deployed app's URL (https://example.com/), or a local app's (http://127.0.0.1:3000/). Only its host is contacted. */
  url: string
  /** Port of the http:// counterpart checked for the HTTPS redirect. @default 80 */
  httpPort?: number
  /** Observatory algorithm: 5, or 6 (adds COOP and COEP). @default 5 */
  algorithm?: 5 | 6
  /** Extra CA certificates (PEM) to trust. @default the file NODE_EXTRA_CA_CERTS names */
  ca?: string | readonly string[]
  /** Where NODE_EXTRA_CA_CERTS is read from. @default process.env */
  env?: Readonly<Record<string, string | undefined>>
  /** Per request. @default 10000 */
  timeoutMs?: number
  /** The health endpoint checked by LIVE-HEALTH-01. @default '/health/ready' */
  healthPath?: string
  /** For certificate horizons in tests. @default new Date() */
  now?: Date
  /**
   * Local mode: front an app on plain HTTP with an in-process TLS terminator
   * on a throwaway certificate, presenting the public host (APP_URL's, or
   * `local.host`), so the grade is the one production will show.
   * @default on for http:// URLs on this machine (127.0.0.1, ::1, localhost), off otherwise
   */
  local?: boolean | LocalModeOptions
}

export interface AuditReport {
  /** The URL graded (in local mode, the public URL presented to the app). */
  url: string
  /** Set when the audit ran in local mode: what was simulated and what it could not check. */
  local?: LocalModeReport
  results: CheckResult[]
  observatory: {
    algorithm: 5 | 6
    score: number
    grade: string
    testsPassed: number
    testsFailed: number
    testsQuantity: number
    tests: ObservatoryTest[]
  }
}

function invalid(message: string): never {
  throw new KitError('KIT_DOCTOR_INVALID_OPTION', message)
}

function parseTarget(url: unknown): URL {
  let parsed: URL | undefined
  try {
    parsed = typeof url === 'string' ? new URL(url) : undefined
  } catch {
    parsed = undefined
  }
  if (!parsed || (parsed.protocol !== 'https:' && parsed.protocol !== 'http:')) {
    throw new KitError(
      'KIT_DOCTOR_AUDIT_URL_INVALID',
      `kit audit needs an absolute https:// URL, got ${JSON.stringify(url)}. Example: kit audit https://example.com/`,
    )
  }
  if (parsed.username || parsed.password) {
    throw new KitError(
      'KIT_DOCTOR_AUDIT_URL_INVALID',
      'The URL given to kit audit carries credentials (user:password@); remove them.',
    )
  }
  parsed.hash = ''
  return parsed
}

/**
 * System roots plus the extra CAs, or undefined to keep Node's defaults
 * (which already hold the NODE_EXTRA_CA_CERTS this process started with).
 */
function trustedCas(options: AuditOptions): SecureContext | undefined {
  const extra = typeof options.ca === 'string' ? [options.ca] : [...(options.ca ?? [])]
  const file = (options.env ?? process.env).NODE_EXTRA_CA_CERTS
  if (file && file !== process.env.NODE_EXTRA_CA_CERTS) {
    try {
      extra.push(readFileSync(file, 'utf8'))
    } catch (error) {
      throw new KitError(
        'KIT_DOCTOR_CA_UNREADABLE',
        `NODE_EXTRA_CA_CERTS is ${file}, which cannot be read (${(error as NodeJS.ErrnoException).code}). Point it at a PEM file or unset it.`,
        { cause: error },
      )
    }
  }
  return extra.length ? createSecureContext({ ca: [...rootCertificates, ...extra] }) : undefined
}

/**
 * `kit audit <url>`: requests the deployed app like a scanner does and runs
 * every LIVE-* check, with the MDN HTTP Observatory's score and grade for
 * the same responses. Throws KIT_DOCTOR_AUDIT_UNREACHABLE when neither HTTPS
 * nor HTTP answers.
 */
export async function runAudit(options: AuditOptions): Promise<AuditReport> {
  const target = parseTarget(options.url)
  const httpPort = options.httpPort ?? 80
  if (!Number.isInteger(httpPort) || httpPort < 1 || httpPort > 65535)
    invalid(`httpPort must be a port number (1-65535); got ${String(options.httpPort)}.`)
  const algorithm = options.algorithm ?? 5
  if (algorithm !== 5 && algorithm !== 6)
    invalid(`algorithm must be 5 or 6; got ${String(options.algorithm)}.`)
  const timeoutMs = options.timeoutMs ?? 10_000
  if (!Number.isInteger(timeoutMs) || timeoutMs <= 0)
    invalid(`timeoutMs must be a positive number of milliseconds; got ${String(options.timeoutMs)}.`)
  const healthPath = options.healthPath ?? '/health/ready'
  if (!healthPath.startsWith('/'))
    invalid(`healthPath must start with '/'; got ${JSON.stringify(healthPath)}.`)

  const plan = planLocalMode(target, options.local, options.env ?? process.env)
  const session = plan ? await startLocalSession(plan, httpPort, timeoutMs) : undefined
  try {
    const graded = plan?.publicUrl ?? target
    // Local mode trusts the throwaway CA alone: nothing else may answer for the public name.
    const secureContext = session?.secureContext ?? trustedCas(options)
    const collected = await collect(graded, {
      httpPort,
      healthPath,
      timeoutMs,
      maxBodyBytes: 1_048_576,
      ...(secureContext ? { secureContext } : {}),
      ...(session ? { connectTo: session.connectTo } : {}),
    })
    if (!collected.https.final && !collected.http.final) {
      throw new KitError(
        'KIT_DOCTOR_AUDIT_UNREACHABLE',
        `${target.href} does not answer (${collected.https.error}), nor does ${collected.httpUrl.href} (${collected.http.error}).`,
      )
    }
    if (plan && collected.https.final?.status === 421) {
      throw new KitError(
        'KIT_DOCTOR_AUDIT_HOST_REFUSED',
        `The app at ${plan.app.href} refused the host ${plan.publicUrl.host} (421 Misdirected Request)${plan.hostFrom === 'APP_URL' ? ", taken from this shell's APP_URL" : ''}: it serves only the hosts of its own APP_URL. Pass the host it serves: kit audit ${plan.app.href} --host example.com (or run kit audit with the app's APP_URL).`,
      )
    }
    const context = createAuditContext(collected, algorithm, options.now, plan !== undefined)
    const results = await runChecks(LIVE_CHECKS, context)
    const { score, grade, testsPassed, testsFailed, testsQuantity, tests } = context.observatory
    return {
      url: graded.href,
      ...(plan ? { local: describeLocalRun(plan, collected) } : {}),
      results,
      observatory: { algorithm, score, grade, testsPassed, testsFailed, testsQuantity, tests },
    }
  } finally {
    await session?.close()
  }
}
