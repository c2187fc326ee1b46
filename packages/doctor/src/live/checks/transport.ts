import { type CheckDefinition, fail, pass, skip } from '../../types.ts'
import type { AuditContext } from '../context.ts'

type LiveCheck = CheckDefinition<AuditContext>
const DAY = 86_400_000
const SIX_MONTHS = 15_552_000
const ONE_YEAR = 31_536_000
const REDIRECTS = new Set([301, 302, 303, 307, 308])
const LOCAL_CERTIFICATE =
  'local mode: the app was served with a throwaway certificate; audit the deployed https:// URL for the real one'
const REACHED = (status: number) => (status >= 200 && status < 400) || status === 401 || status === 403

function hstsValues(ctx: AuditContext): string[] {
  return ctx.page?.fields.get('strict-transport-security') ?? []
}

function hstsParts(value: string): {
  maxAge: number | undefined
  includeSubDomains: boolean
  preload: boolean
} {
  const parts = value.split(';').map((p) => p.trim().toLowerCase())
  const maxAge = parts.find((p) => /^max-age\s*=/.test(p))?.replace(/^max-age\s*=\s*"?(\d+)"?$/, '$1')
  return {
    maxAge: maxAge !== undefined && /^\d+$/.test(maxAge) ? Number(maxAge) : undefined,
    includeSubDomains: parts.includes('includesubdomains'),
    preload: parts.includes('preload'),
  }
}

/** The http:// chain: whether it redirects to HTTPS on the same host and ends on HTTPS. */
function redirectVerdict(ctx: AuditContext): { ok: boolean; finding: string } {
  const chain = ctx.collected.http
  const url = ctx.collected.httpUrl.href
  if (!chain.final)
    return { ok: true, finding: `${url} does not answer (${chain.error}): plain HTTP is closed` }
  const [first, second] = chain.hops
  if (!first || !REDIRECTS.has(first.status) || !second)
    return { ok: false, finding: `${url} answers ${first?.status} without redirecting to HTTPS` }
  const next = new URL(second.url)
  if (next.protocol !== 'https:')
    return { ok: false, finding: `${url} redirects to ${next.href}, which is not https:` }
  if (next.hostname !== ctx.collected.httpUrl.hostname)
    return { ok: false, finding: `${url} redirects to another host (${next.host}) before HTTPS` }
  const last = chain.hops.at(-1)!
  if (new URL(last.url).protocol !== 'https:')
    return { ok: false, finding: `the redirects end on ${last.url}, not https:` }
  if (last.status !== 0 && !REACHED(last.status))
    return { ok: false, finding: `the redirects end on ${last.url} with status ${last.status}` }
  return { ok: true, finding: `${url} → ${first.status} → ${second.url}` }
}

export const TRANSPORT_CHECKS: readonly LiveCheck[] = [
  {
    id: 'LIVE-TLS-01',
    title: 'HTTPS reachable with a valid certificate chain',
    severity: 'high',
    fix: 'Serve the site over HTTPS with a certificate from a trusted CA for this host name (platforms issue one); for a local CA set NODE_EXTRA_CA_CERTS.',
    run(ctx) {
      const chain = ctx.collected.https
      if (ctx.collected.target.protocol !== 'https:')
        return fail(`${ctx.collected.target.href} is not an https:// URL`)
      if (!chain.final) return fail(`HTTPS does not answer: ${chain.error}`)
      const bad = chain.hops.find((hop) => hop.response?.tls && !hop.response.tls.authorized)
      if (bad) return fail(`the certificate of ${bad.url} does not verify: ${bad.response!.tls!.error}`)
      if (ctx.local) return skip(LOCAL_CERTIFICATE)
      return pass('the certificate chain verifies and matches the host name')
    },
  },
  {
    id: 'LIVE-TLS-02',
    title: 'Certificate valid for at least 14 more days',
    severity: 'medium',
    fix: 'Renew the certificate now and automate renewal (ACME / the platform does it); alert at 30 days.',
    run(ctx) {
      if (ctx.local) return skip(LOCAL_CERTIFICATE)
      const validTo = ctx.page?.tls?.validTo
      if (!validTo) return skip('no certificate to read')
      const days = Math.floor((validTo.getTime() - ctx.now.getTime()) / DAY)
      if (days < 14)
        return fail(`the certificate expires in ${days} days (${validTo.toISOString().slice(0, 10)})`)
      return pass(`the certificate is valid for ${days} more days${days < 30 ? ': renew it soon' : ''}`)
    },
  },
  {
    id: 'LIVE-RED-01',
    title: 'HTTP redirects to HTTPS on the same host',
    severity: 'high',
    fix: 'Redirect every http:// request to https:// on the same host (kit: FORCE_HTTPS, on by default in production, with TRUST_PROXY set so the app sees the proxy’s X-Forwarded-Proto).',
    run(ctx) {
      const verdict = redirectVerdict(ctx)
      return verdict.ok ? pass(verdict.finding) : fail(verdict.finding)
    },
  },
  {
    id: 'LIVE-RED-02',
    title: 'The HTTP redirect is permanent (301 or 308)',
    severity: 'low',
    fix: 'Answer http:// with 301 (GET/HEAD) or 308: browsers and the HSTS preload list expect a permanent redirect.',
    run(ctx) {
      const first = ctx.collected.http.hops[0]
      if (!first || !REDIRECTS.has(first.status)) return skip('no redirect from HTTP')
      return first.status === 301 || first.status === 308
        ? pass(`the redirect is ${first.status}`)
        : fail(`the redirect is ${first.status}, not permanent`)
    },
  },
  {
    id: 'LIVE-HSTS-01',
    title: 'Strict-Transport-Security present and valid',
    severity: 'high',
    fix: 'Send one Strict-Transport-Security header with max-age of at least 15552000 (kit sends max-age=63072000; includeSubDomains). If a proxy sends one too, turn one of them off (hsts: false).',
    run(ctx) {
      if (!ctx.page) return fail('HTTPS does not answer, so there is no HSTS')
      const values = hstsValues(ctx)
      if (values.length === 0) return fail('no Strict-Transport-Security header on the HTTPS response')
      if (values.length > 1)
        return fail(
          `${values.length} Strict-Transport-Security headers (app and proxy?): scanners treat that as invalid`,
        )
      const value = values[0]!
      const { maxAge } = hstsParts(value)
      if (value.includes(',') || maxAge === undefined)
        return fail(`Strict-Transport-Security "${value}" is not valid`)
      if (maxAge < SIX_MONTHS) return fail(`max-age=${maxAge} is under six months (15552000)`)
      return pass(`Strict-Transport-Security: ${value}`)
    },
  },
  {
    id: 'LIVE-HSTS-02',
    title: 'HSTS for a year or more, with includeSubDomains',
    severity: 'low',
    fix: 'Use max-age=31536000 or more with includeSubDomains (kit: HSTS_MAX_AGE, hsts.includeSubDomains, both on by default).',
    run(ctx) {
      const value = hstsValues(ctx)[0]
      if (value === undefined) return skip('no HSTS header (see LIVE-HSTS-01)')
      const { maxAge, includeSubDomains } = hstsParts(value)
      const missing = [
        ...((maxAge ?? 0) < ONE_YEAR ? [`max-age ${maxAge} < 31536000`] : []),
        ...(includeSubDomains ? [] : ['no includeSubDomains']),
      ]
      return missing.length ? fail(missing.join(', ')) : pass(`max-age=${maxAge} with includeSubDomains`)
    },
  },
  {
    id: 'LIVE-HSTS-03',
    title: 'Ready for the HSTS preload list',
    severity: 'info',
    fix: 'When every subdomain serves HTTPS: hsts: { preload: true } (max-age ≥ 31536000, includeSubDomains, preload), a permanent redirect from HTTP, then submit the domain at hstspreload.org.',
    run(ctx) {
      const value = hstsValues(ctx)[0]
      if (value === undefined) return fail('no HSTS header')
      const { maxAge, includeSubDomains, preload } = hstsParts(value)
      const first = ctx.collected.http.hops[0]
      const permanent = !ctx.collected.http.final || first?.status === 301 || first?.status === 308
      if ((maxAge ?? 0) >= ONE_YEAR && includeSubDomains && preload && redirectVerdict(ctx).ok && permanent)
        return pass('meets hstspreload.org requirements')
      return fail(`not preload-ready (${preload ? 'redirect or max-age missing' : 'no preload directive'})`)
    },
  },
  {
    id: 'LIVE-HSTS-04',
    title: 'HSTS not switched off with max-age=0',
    severity: 'high',
    fix: 'max-age=0 tells browsers to forget HSTS: set HSTS_MAX_AGE to 63072000, or remove the header that sends 0.',
    run(ctx) {
      const value = hstsValues(ctx)[0]
      if (value === undefined) return skip('no HSTS header (see LIVE-HSTS-01)')
      return hstsParts(value).maxAge === 0
        ? fail('Strict-Transport-Security has max-age=0')
        : pass('max-age is not 0')
    },
  },
]
