import { type CheckDefinition, fail, pass, skip } from '../../types.ts'
import type { DoctorContext } from '../context.ts'

type StaticCheck = CheckDefinition<DoctorContext>

const ONE_YEAR = 31_536_000
const needSecurity = (ctx: DoctorContext) =>
  ctx.security ? undefined : skip('security is not installed (see KIT-SEC-001)')

function hstsParts(value: string): { maxAge: number; includeSubDomains: boolean; preload: boolean } {
  return {
    maxAge: Number(/max-age=(\d+)/.exec(value)?.[1] ?? 0),
    includeSubDomains: /includeSubDomains/i.test(value),
    preload: /preload/i.test(value),
  }
}

/** Platforms put exactly one proxy (their router) in front of the app. */
const ONE_HOP_PLATFORMS: Record<string, string> = {
  heroku: 'Heroku',
  render: 'Render',
  fly: 'Fly.io',
  railway: 'Railway',
  digitalocean: 'DigitalOcean App Platform',
}

export const TRANSPORT_CHECKS: readonly StaticCheck[] = [
  {
    id: 'KIT-SEC-009',
    ref: 'CFG-TLS-01',
    title: 'HTTP is redirected to HTTPS',
    severity: 'high',
    fix: 'Leave FORCE_HTTPS unset (on in production) or set it to true. If your proxy or CDN redirects instead, silence this check with that reason; `kit audit` verifies it live (LIVE-RED-01).',
    run(ctx) {
      const missing = needSecurity(ctx)
      if (missing) return missing
      return ctx.security!.https.force
        ? pass('productionize() redirects http:// to https://')
        : fail('FORCE_HTTPS is off: nothing in the app redirects plain HTTP')
    },
  },
  {
    id: 'KIT-SEC-010',
    ref: 'CFG-TLS-02',
    title: 'HSTS is sent',
    severity: 'high',
    fix: 'Remove `hsts: false` (kit sends max-age=63072000; includeSubDomains on HTTPS responses), unless your proxy sends HSTS: then silence this check with that reason.',
    run(ctx) {
      const missing = needSecurity(ctx)
      if (missing) return missing
      const hsts = ctx.security!.hsts
      return hsts ? pass(`Strict-Transport-Security: ${hsts}`) : fail('HSTS is turned off (hsts: false)')
    },
  },
  {
    id: 'KIT-SEC-011',
    ref: 'CFG-TLS-02',
    title: 'HSTS lasts a year and covers subdomains',
    severity: 'low',
    fix: 'Set HSTS_MAX_AGE to 63072000 (two years, the default) or at least 31536000, and keep hsts.includeSubDomains.',
    run(ctx) {
      const hsts = ctx.security?.hsts
      if (!hsts) return skip('no HSTS (see KIT-SEC-010)')
      const { maxAge, includeSubDomains } = hstsParts(hsts)
      const problems = [
        ...(maxAge < ONE_YEAR ? [`max-age ${maxAge} < 31536000`] : []),
        ...(includeSubDomains ? [] : ['no includeSubDomains']),
      ]
      return problems.length ? fail(problems.join(', ')) : pass(`max-age=${maxAge}; includeSubDomains`)
    },
  },
  {
    id: 'KIT-SEC-012',
    ref: 'CFG-TLS-02',
    title: 'HSTS preload',
    severity: 'info',
    fix: 'When every subdomain serves HTTPS, set hsts: { preload: true } and submit the domain at hstspreload.org (hard to undo).',
    run(ctx) {
      const hsts = ctx.security?.hsts
      if (!hsts) return skip('no HSTS (see KIT-SEC-010)')
      return hstsParts(hsts).preload
        ? pass('preload is on')
        : fail('not on the preload list path (hsts.preload is off)')
    },
  },
  {
    id: 'KIT-SEC-013',
    ref: 'CFG-HOST-01',
    title: 'Only the app’s own host names are served',
    severity: 'medium',
    fix: 'Set APP_URL to the public https:// URL (or security.hosts.allowed): other Host headers then get 421, which stops DNS-rebinding and host-header attacks.',
    run(ctx) {
      const missing = needSecurity(ctx)
      if (missing) return missing
      const allowed = ctx.security!.hosts.allowed
      return allowed
        ? pass(`allowed hosts: ${allowed.names.join(', ')}`)
        : fail('any Host header is served (no APP_URL or hosts.allowed)')
    },
  },
  {
    id: 'KIT-PROXY-001',
    ref: 'CFG-PROXY-01',
    title: 'TRUST_PROXY matches the platform',
    severity: 'high',
    fix: 'Set TRUST_PROXY to the number of proxies in front of the app (Heroku, Render, Fly.io, Railway, DigitalOcean: 1) or their addresses; never more hops than there are proxies, never "true".',
    run(ctx) {
      const trust = ctx.env.TRUST_PROXY
      const invalid = ctx.check.problems.find((p) => p.name === 'TRUST_PROXY')
      if (invalid) return fail(`TRUST_PROXY ${invalid.problem}`)
      const platform = ctx.platform ? ONE_HOP_PLATFORMS[ctx.platform] : undefined
      if (platform) {
        if (trust === false)
          return fail(
            `${platform} routes through one proxy but TRUST_PROXY trusts none: every client shares the router's IP and https is seen as http`,
          )
        if (typeof trust === 'number' && trust > 1)
          return fail(
            `${platform} has one proxy but TRUST_PROXY=${trust}: clients can forge X-Forwarded-For and dodge rate limits`,
          )
        return pass(`${platform}: ${Array.isArray(trust) ? trust.join(', ') : `${trust} hop`}`)
      }
      if (trust === false && ctx.production)
        return fail(
          'no proxy trusted: behind a load balancer or TLS terminator every client looks like the proxy and FORCE_HTTPS redirects forever',
          'Set TRUST_PROXY to your proxy (1 hop, or its IP/CIDR); if clients connect to Node directly, silence this check with that reason.',
        )
      return pass(
        trust === false
          ? 'no proxy trusted (not production)'
          : `trusted: ${Array.isArray(trust) ? trust.join(', ') : `${trust} hop(s)`}`,
      )
    },
  },
]
