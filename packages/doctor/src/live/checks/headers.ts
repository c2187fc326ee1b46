import { effectiveReferrerPolicy, PRIVATE_REFERRER } from '../../observatory/headers.ts'
import { httpEquiv } from '../../observatory/html.ts'
import { parseDictionary, structuredToken } from '../../observatory/structured-fields.ts'
import { type CheckDefinition, fail, type Outcome, pass, skip } from '../../types.ts'
import type { AuditContext } from '../context.ts'

type LiveCheck = CheckDefinition<AuditContext>

const fields = (ctx: AuditContext, name: string): string[] => ctx.page?.fields.get(name) ?? []

/** One header whose value must be one token of `good` (COOP, COEP, CORP). */
function tokenHeader(
  ctx: AuditContext,
  name: string,
  good: readonly string[],
  neutral: readonly string[],
): Outcome {
  if (!ctx.page) return fail('HTTPS does not answer')
  const values = fields(ctx, name)
  if (values.length === 0) return fail(`no ${name} header`)
  if (values.length > 1) return fail(`${values.length} ${name} headers: scanners treat that as invalid`)
  const token = structuredToken(values[0]!)?.toLowerCase()
  if (token !== undefined && good.includes(token)) return pass(`${name}: ${values[0]}`)
  if (token !== undefined && neutral.includes(token)) return fail(`${name}: ${token} gives no protection`)
  return fail(`${name} "${values[0]}" is not valid`)
}

const DUPLICATE_SENSITIVE = [
  'strict-transport-security',
  'x-content-type-options',
  'x-frame-options',
  'cross-origin-resource-policy',
  'cross-origin-opener-policy',
  'cross-origin-embedder-policy',
  'referrer-policy',
]

export const HEADER_CHECKS: readonly LiveCheck[] = [
  {
    id: 'LIVE-XCTO-01',
    title: 'X-Content-Type-Options: nosniff',
    severity: 'medium',
    fix: 'Send X-Content-Type-Options: nosniff on every response (kit does).',
    run(ctx) {
      if (!ctx.page) return fail('HTTPS does not answer')
      const first = fields(ctx, 'x-content-type-options')[0]
      if (first === undefined) return fail('no X-Content-Type-Options header')
      return first.trim().toLowerCase() === 'nosniff'
        ? pass('nosniff')
        : fail(`X-Content-Type-Options "${first}"`)
    },
  },
  {
    id: 'LIVE-RP-01',
    title: 'Referrer-Policy keeps URLs private',
    severity: 'low',
    fix: 'Send Referrer-Policy: strict-origin-when-cross-origin (kit’s default) or stricter (same-origin, no-referrer).',
    run(ctx) {
      if (!ctx.page) return fail('HTTPS does not answer')
      const meta = /html/.test(String(ctx.page.headers['content-type'] ?? ''))
        ? httpEquiv(ctx.page.body).referrer
        : []
      const values = [...fields(ctx, 'referrer-policy'), ...meta]
      if (values.length === 0)
        return fail('no Referrer-Policy (browsers default to strict-origin-when-cross-origin)')
      const policy = effectiveReferrerPolicy(values)
      if (policy === undefined) return fail(`Referrer-Policy "${values.join(', ')}" has no valid token`)
      return PRIVATE_REFERRER.includes(policy)
        ? pass(`Referrer-Policy ${policy}`)
        : fail(`Referrer-Policy ${policy} leaks URLs to other sites`)
    },
  },
  {
    id: 'LIVE-PP-01',
    title: 'Permissions-Policy set',
    severity: 'low',
    fix: 'Send a Permissions-Policy that denies the features the site does not use, e.g. camera=(), microphone=(), geolocation=() (kit sends one).',
    run(ctx) {
      if (!ctx.page) return fail('HTTPS does not answer')
      const values = fields(ctx, 'permissions-policy')
      if (values.length === 0) return fail('no Permissions-Policy header')
      try {
        const features = parseDictionary(values.join(', '))
        return pass(`${features.size} features restricted`)
      } catch (error) {
        return fail(`Permissions-Policy does not parse: ${(error as Error).message}`)
      }
    },
  },
  {
    id: 'LIVE-CORP-01',
    title: 'Cross-Origin-Resource-Policy',
    severity: 'low',
    fix: 'Send Cross-Origin-Resource-Policy: same-origin (kit’s default) or same-site; cross-origin only for assets meant for other sites.',
    run(ctx) {
      const values = fields(ctx, 'cross-origin-resource-policy')
      if (values.length === 1 && values[0]!.trim().toLowerCase() === 'cross-origin')
        return pass('cross-origin: readable by every site (fine for public assets)')
      return tokenHeader(ctx, 'cross-origin-resource-policy', ['same-origin', 'same-site'], [])
    },
  },
  {
    id: 'LIVE-COOP-01',
    title: 'Cross-Origin-Opener-Policy',
    severity: 'low',
    fix: 'Send Cross-Origin-Opener-Policy: same-origin (kit’s default), or same-origin-allow-popups when OAuth/payment popups must talk back.',
    run: (ctx) =>
      tokenHeader(
        ctx,
        'cross-origin-opener-policy',
        ['same-origin', 'same-origin-allow-popups', 'noopener-allow-popups'],
        ['unsafe-none'],
      ),
  },
  {
    id: 'LIVE-COEP-01',
    title: 'Cross-Origin-Embedder-Policy (optional)',
    severity: 'info',
    fix: 'Only if the page needs cross-origin isolation (SharedArrayBuffer): Cross-Origin-Embedder-Policy: credentialless or require-corp. It breaks third-party embeds.',
    run: (ctx) =>
      tokenHeader(ctx, 'cross-origin-embedder-policy', ['require-corp', 'credentialless'], ['unsafe-none']),
  },
  {
    id: 'LIVE-XXP-01',
    title: 'X-XSS-Protection off or absent',
    severity: 'low',
    fix: 'Remove X-XSS-Protection or send "0": the old XSS auditors it turns on can be abused to leak data.',
    run(ctx) {
      if (!ctx.page) return skip('HTTPS does not answer')
      const values = fields(ctx, 'x-xss-protection')
      if (values.length === 0) return pass('not sent')
      return values.every((v) => v.trim() === '0')
        ? pass('X-XSS-Protection: 0')
        : fail(`X-XSS-Protection: ${values.join(', ')}`)
    },
  },
  {
    id: 'LIVE-DUP-01',
    title: 'No duplicated security headers',
    severity: 'medium',
    fix: 'Set each security header in one place: either the app (kit) or the proxy/CDN, not both (two HSTS headers make HSTS invalid to scanners).',
    run(ctx) {
      if (!ctx.page) return skip('HTTPS does not answer')
      const repeated = DUPLICATE_SENSITIVE.filter((name) => fields(ctx, name).length > 1)
      return repeated.length
        ? fail(`sent more than once: ${repeated.join(', ')}`)
        : pass('each security header is sent once')
    },
  },
  {
    id: 'LIVE-STATUS-01',
    title: 'The page answers with a scannable status',
    severity: 'info',
    fix: 'Audit a URL that answers 2xx, 3xx, 401 or 403 (scanners such as the Observatory give up on others).',
    run(ctx) {
      const status = ctx.page?.status
      if (status === undefined) return fail('HTTPS does not answer')
      const ok = (status >= 200 && status < 400) || status === 401 || status === 403
      return ok ? pass(`status ${status}`) : fail(`status ${status}`)
    },
  },
  {
    id: 'LIVE-HEALTH-01',
    title: 'Health endpoint reachable',
    severity: 'medium',
    fix: 'Expose a readiness endpoint for the platform and uptime monitors (kit: /health/ready, /health/live, /up); pass --health-path when it lives elsewhere.',
    run(ctx) {
      const { health, healthError } = ctx.collected
      if (!health) return fail(`the health endpoint does not answer: ${healthError}`)
      const path = new URL(health.url).pathname
      return health.status === 200 ? pass(`${path} answers 200`) : fail(`${path} answers ${health.status}`)
    },
  },
]
