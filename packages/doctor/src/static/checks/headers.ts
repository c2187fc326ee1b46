import { type CheckDefinition, fail, pass, skip } from '../../types.ts'
import type { DoctorContext } from '../context.ts'
import { describeMatches, findInSources } from '../source-scan.ts'

type StaticCheck = CheckDefinition<DoctorContext>

const BROAD = new Set(['*', 'http:', 'https:', 'ftp:', 'http://*', 'https://*', 'http://*.*', 'https://*.*'])
const PRIVATE_REFERRER = ['no-referrer', 'same-origin', 'strict-origin', 'strict-origin-when-cross-origin']

const header = (ctx: DoctorContext, name: string): string | undefined =>
  ctx.security?.staticHeaders.find(([n]) => n.toLowerCase() === name.toLowerCase())?.[1]

/** Skips the check when the security pipeline is off or refused (KIT-SEC-001 reports that). */
const needSecurity = (ctx: DoctorContext) =>
  ctx.security ? undefined : skip('security headers are not installed (see KIT-SEC-001)')

export const HEADER_CHECKS: readonly StaticCheck[] = [
  {
    id: 'KIT-SEC-001',
    ref: 'CFG-HDR-01',
    title: 'Security headers installed',
    severity: 'high',
    fix: 'Keep kit.config `security` on (remove `security: false`) and fix the configuration error the finding shows; productionize() installs headers before any route.',
    run(ctx) {
      if (ctx.config.security === false)
        return fail('kit.config has `security: false`: no headers, HTTPS redirect, CORS or CSRF protection')
      if (ctx.securityError)
        return fail(
          `the security configuration is refused (${ctx.securityError.code}): ${ctx.securityError.message}`,
        )
      return pass(`${ctx.security!.staticHeaders.length + (ctx.security!.csp ? 1 : 0)} headers configured`)
    },
  },
  {
    id: 'KIT-SEC-002',
    ref: 'CFG-HDR-02',
    title: 'Content-Security-Policy enforced',
    severity: 'high',
    fix: 'Remove `csp: false` / `csp.reportOnly: true` once the report endpoint shows no violations you need; kit’s default policy uses nonces and needs no unsafe-inline.',
    run(ctx) {
      const missing = needSecurity(ctx)
      if (missing) return missing
      const csp = ctx.security!.csp
      if (!csp) return fail('the CSP is turned off (csp: false)')
      if (csp.headerName !== 'Content-Security-Policy')
        return fail('the CSP is report-only: it blocks nothing')
      return pass(`enforced${csp.nonce ? ' with per-request nonces' : ''}`)
    },
  },
  {
    id: 'KIT-SEC-003',
    ref: 'CFG-HDR-02',
    title: 'CSP script sources are safe',
    severity: 'medium',
    fix: "Drop 'unsafe-inline', 'unsafe-eval', data:, wildcards and http: sources from script-src/default-src; use the nonce (res.locals.cspNonce / reply.cspNonce) for inline scripts.",
    run(ctx) {
      const csp = ctx.security?.csp
      if (!csp) return skip('no enforced CSP (see KIT-SEC-002)')
      const script = csp.directives.get('script-src') ?? csp.directives.get('default-src')
      const style = csp.directives.get('style-src') ?? csp.directives.get('default-src')
      if (script === undefined || script === true) return fail('neither script-src nor default-src is set')
      const problems: string[] = []
      if (script.includes("'unsafe-inline'"))
        problems.push("script-src allows 'unsafe-inline' (the nonce is left out)")
      if (script.includes("'unsafe-eval'") || (Array.isArray(style) && style.includes("'unsafe-eval'")))
        problems.push("'unsafe-eval' is allowed")
      const broad = script.filter((s) => BROAD.has(s) || s === 'data:')
      if (broad.length) problems.push(`script-src allows ${broad.join(' ')}`)
      if (ctx.production) {
        const insecure = [...csp.directives].flatMap(([d, s]) =>
          s === true ? [] : s.filter((x) => /^(http|ftp):/i.test(x)).map((x) => `${d} ${x}`),
        )
        if (insecure.length) problems.push(`plain http: sources (${insecure.join(', ')})`)
      }
      return problems.length ? fail(problems.join('; ')) : pass(`script-src ${script.join(' ')}`)
    },
  },
  {
    id: 'KIT-SEC-004',
    ref: 'CFG-HDR-03',
    title: 'Framing denied',
    severity: 'low',
    fix: "Keep frame-ancestors 'none' (kit’s default) or 'self'; if another site must frame yours, list it in frame-ancestors and silence this check with the reason.",
    run(ctx) {
      const missing = needSecurity(ctx)
      if (missing) return missing
      const ancestors = ctx.security!.csp?.directives.get('frame-ancestors')
      if (Array.isArray(ancestors) && ancestors.every((s) => s === "'none'" || s === "'self'"))
        return pass(`frame-ancestors ${ancestors.join(' ')}`)
      const xfo = header(ctx, 'X-Frame-Options')
      if (ancestors === undefined && xfo) return pass(`X-Frame-Options: ${xfo}`)
      return fail(
        Array.isArray(ancestors)
          ? `frame-ancestors ${ancestors.join(' ')} lets other sites frame the app`
          : 'no frame-ancestors and no X-Frame-Options',
      )
    },
  },
  {
    id: 'KIT-SEC-005',
    ref: 'CFG-HDR-04',
    title: 'Referrer-Policy keeps URLs private',
    severity: 'low',
    fix: "Keep referrerPolicy at 'strict-origin-when-cross-origin' (kit’s default) or stricter.",
    run(ctx) {
      const missing = needSecurity(ctx)
      if (missing) return missing
      const value = header(ctx, 'Referrer-Policy')
      if (!value) return fail('referrerPolicy is off')
      const last = value.split(',').at(-1)!.trim()
      return PRIVATE_REFERRER.includes(last)
        ? pass(`Referrer-Policy: ${value}`)
        : fail(`Referrer-Policy ${last} leaks URLs to other sites`)
    },
  },
  {
    id: 'KIT-SEC-006',
    ref: 'CFG-HDR-05',
    title: 'Cross-Origin-Opener-Policy isolates the window',
    severity: 'low',
    fix: "Keep crossOriginOpenerPolicy 'same-origin' (kit’s default), or 'same-origin-allow-popups' for OAuth or payment popups.",
    run(ctx) {
      const missing = needSecurity(ctx)
      if (missing) return missing
      const value = header(ctx, 'Cross-Origin-Opener-Policy')
      if (!value) return fail('crossOriginOpenerPolicy is off')
      return value === 'unsafe-none'
        ? fail('Cross-Origin-Opener-Policy: unsafe-none isolates nothing')
        : pass(`Cross-Origin-Opener-Policy: ${value}`)
    },
  },
  {
    id: 'KIT-SEC-007',
    ref: 'CFG-HDR-06',
    title: 'X-Powered-By stays off',
    severity: 'low',
    fix: "Remove the app.enable('x-powered-by') / app.set('x-powered-by', true) call: productionize() disables the header and the app turns it back on.",
    run(ctx) {
      const found = findInSources(
        ctx.sources,
        /\.(?:enable|set)\(\s*['"]x-powered-by['"]\s*(?:,\s*true\s*)?\)/i,
      )
      return found.length
        ? fail(`X-Powered-By turned back on: ${describeMatches(found)}`)
        : pass('productionize() removes X-Powered-By and nothing turns it on')
    },
  },
  {
    id: 'KIT-SEC-008',
    ref: 'CFG-HDR-07',
    title: 'Permissions-Policy sent',
    severity: 'low',
    fix: 'Keep permissionsPolicy on (kit denies camera, microphone, geolocation... by default); allow only the features the app uses.',
    run(ctx) {
      const missing = needSecurity(ctx)
      if (missing) return missing
      const value = header(ctx, 'Permissions-Policy')
      return value ? pass(`${value.split(',').length} features restricted`) : fail('permissionsPolicy is off')
    },
  },
]
