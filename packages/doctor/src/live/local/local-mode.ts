import { connect, isIP } from 'node:net'
import { createSecureContext, type SecureContext } from 'node:tls'
import { KitError } from '@kit/internal'
import type { Collected } from '../collect.ts'
import { createThrowawayCertificates } from './certificate.ts'
import { startLocalTerminator } from './terminator.ts'

/** `runAudit({ local })`: true, or the public host to present. */
export interface LocalModeOptions {
  /** The host name the app serves in production (`example.com`, `app.example.com:8443`). @default APP_URL's host */
  host?: string
}

/** What local mode did, printed with the report. */
export interface LocalModeReport {
  /** The app as given: http://127.0.0.1:3000/. */
  app: string
  /** The public URL the audit presented to the app (https://example.com/). */
  publicUrl: string
  /** Where the public host came from. */
  hostFrom: 'option' | 'APP_URL' | 'url'
  /** What the local terminator stood in for. */
  simulated: string[]
  /** What a local run cannot see: audit the deployed URL for these. */
  notChecked: string[]
  /** What the run noticed about the app's set-up (a proxy it does not trust...). */
  notes: string[]
}

export interface LocalPlan {
  app: URL
  publicUrl: URL
  hostFrom: LocalModeReport['hostFrom']
}

export interface LocalSession {
  /** Route the public origins to the terminator's loopback ports. */
  connectTo(url: URL): { host: string; port: number } | undefined
  /** Trusts the throwaway CA and nothing else. */
  secureContext: SecureContext
  close(): Promise<void>
}

/** 127.0.0.0/8, ::1, localhost and *.localhost (RFC 6761 §6.3): the machine itself. */
export function isLoopback(url: URL): boolean {
  const host = url.hostname.replace(/^\[|\]$/g, '').toLowerCase()
  if (host === 'localhost' || host.endsWith('.localhost')) return true
  if (isIP(host) === 4) return host.startsWith('127.')
  return host === '::1'
}

function invalid(message: string): never {
  throw new KitError('KIT_DOCTOR_INVALID_OPTION', message)
}

/** A bare host[:port] as in a Host header; undefined when it is not one. */
function parseHost(value: string): URL | undefined {
  if (!value || /[/\s@?#]/.test(value)) return undefined
  try {
    const url = new URL(`https://${value}/`)
    return url.host.toLowerCase() === value.toLowerCase().replace(/:443$/, '') ? url : undefined
  } catch {
    return undefined
  }
}

/**
 * Decides whether the audit runs in local mode and what public URL it
 * presents. `local` undefined: on for http:// loopback URLs (an app run on
 * this machine), off otherwise. The host is `local.host`, else APP_URL's,
 * else the URL's own host name.
 */
export function planLocalMode(
  target: URL,
  local: boolean | LocalModeOptions | undefined,
  env: Readonly<Record<string, string | undefined>>,
): LocalPlan | undefined {
  if (local === false) return undefined
  if (local === undefined && !(target.protocol === 'http:' && isLoopback(target))) return undefined
  if (target.protocol !== 'http:')
    invalid(
      `local mode fronts a plain-HTTP app with its own TLS terminator, but ${target.href} is already https://. Give the app's http:// address (kit audit http://127.0.0.1:3000/ --local), or drop --local and --host to audit this URL as it is.`,
    )
  const given = typeof local === 'object' ? local.host : undefined
  let hostFrom: LocalPlan['hostFrom'] = 'url'
  let publicOrigin = new URL(`https://${target.hostname}/`)
  if (given !== undefined) {
    const parsed = parseHost(given.trim())
    if (!parsed)
      invalid(
        `--host must be the host name the app serves in production, such as example.com or app.example.com:8443 (no scheme or path); got ${JSON.stringify(given)}.`,
      )
    publicOrigin = parsed
    hostFrom = 'option'
  } else if (env.APP_URL?.trim()) {
    let appUrl: URL | undefined
    try {
      appUrl = new URL(env.APP_URL.trim())
    } catch {}
    if (!appUrl || (appUrl.protocol !== 'https:' && appUrl.protocol !== 'http:'))
      invalid(
        `APP_URL is not a URL (${JSON.stringify(env.APP_URL.slice(0, 100))}), so kit audit cannot tell which host the app expects. Fix APP_URL or pass --host example.com.`,
      )
    // The production scheme is https whatever a local APP_URL says; the host is what matters.
    publicOrigin = new URL(`https://${appUrl.host}/`)
    hostFrom = 'APP_URL'
  }
  return { app: target, publicUrl: new URL(`${target.pathname}${target.search}`, publicOrigin), hostFrom }
}

/**
 * Starts what stands between the audit and the app in local mode: a
 * throwaway CA and certificate for the public host, and the TLS + plain-HTTP
 * terminator that forwards to the app with a platform router's headers.
 */
export async function startLocalSession(
  plan: LocalPlan,
  httpPort: number,
  timeoutMs: number,
): Promise<LocalSession> {
  await assertListening(plan.app, timeoutMs)
  const hostname = plan.publicUrl.hostname.replace(/^\[|\]$/g, '')
  const certificates = createThrowawayCertificates([hostname])
  const httpsPort = Number(plan.publicUrl.port || 443)
  const terminator = await startLocalTerminator({
    upstream: plan.app,
    tls: certificates,
    publicPorts: { https: httpsPort, http: httpPort },
  })
  return {
    connectTo(url) {
      if (url.hostname !== plan.publicUrl.hostname) return undefined
      const port = Number(url.port || (url.protocol === 'https:' ? 443 : 80))
      if (url.protocol === 'https:' && port === httpsPort)
        return { host: '127.0.0.1', port: terminator.httpsPort }
      if (url.protocol === 'http:' && port === httpPort)
        return { host: '127.0.0.1', port: terminator.httpPort }
      return undefined
    },
    secureContext: createSecureContext({ ca: certificates.ca }),
    close: () => terminator.close(),
  }
}

/**
 * The terminator answers 502 for an app that is down, which would be graded
 * as the app's own answer: connect once first and say so instead.
 */
function assertListening(app: URL, timeoutMs: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const socket = connect({ host: app.hostname.replace(/^\[|\]$/g, ''), port: Number(app.port || 80) })
    const fail = (reason: string) => {
      socket.destroy()
      reject(
        new KitError(
          'KIT_DOCTOR_AUDIT_UNREACHABLE',
          `The app at ${app.href} does not answer (${reason}). Start it first on that address, in production mode (NODE_ENV=production TRUST_PROXY=1 APP_URL=https://your-host), then run kit audit again.`,
        ),
      )
    }
    socket.setTimeout(timeoutMs, () => fail(`no connection within ${timeoutMs} ms`))
    socket.once('error', (error: NodeJS.ErrnoException) => fail(error.code ?? error.message))
    socket.once('connect', () => {
      socket.destroy()
      resolve()
    })
  })
}

/** The report's local part, plus the set-up problems the responses show. */
export function describeLocalRun(plan: LocalPlan, collected: Collected): LocalModeReport {
  const host = plan.publicUrl.host
  const notes: string[] = []
  const [first, second] = collected.https.hops
  if (first && second && [301, 302, 307, 308].includes(first.status) && second.url.startsWith('https:'))
    if (new URL(second.url).host === host)
      notes.push(
        'The app redirected a request that arrived with X-Forwarded-Proto: https to HTTPS again: it does not trust the proxy in front of it. Start it with TRUST_PROXY=1 (TRUST_PROXY=loopback locally), as the platform needs too.',
      )
  return {
    app: plan.app.href,
    publicUrl: plan.publicUrl.href,
    hostFrom: plan.hostFrom,
    simulated: [
      `TLS for ${plan.publicUrl.hostname} with a certificate from a CA made for this run (trusted by this audit only)`,
      `a platform router: Host ${host}, X-Forwarded-Proto, X-Forwarded-For, X-Forwarded-Port, X-Forwarded-Host`,
      `plain HTTP on the public host, for the HTTP → HTTPS redirect`,
    ],
    notChecked: [
      'the real certificate chain and its expiry (LIVE-TLS-01, LIVE-TLS-02)',
      'headers your platform, proxy or CDN adds or strips (Server, Via, a second HSTS: LIVE-INFO-02, LIVE-DUP-01)',
      'an HTTP → HTTPS redirect made by the platform or CDN instead of the app',
      'the HSTS preload list (never checked by kit audit: hstspreload.org)',
    ],
    notes,
  }
}
