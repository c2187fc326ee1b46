import { type CheckDefinition, fail, type Outcome, pass } from '../../types.ts'
import { type AuditContext, isSessionCookie, type SeenCookie } from '../context.ts'

type LiveCheck = CheckDefinition<AuditContext>

const names = (cookies: readonly SeenCookie[]) => [...new Set(cookies.map((c) => c.name))].join(', ')

/** Fails when some cookie of `scope` breaks `rule`; passes (saying so) when there is none to check. */
function everyCookie(
  ctx: AuditContext,
  scope: 'session' | 'all',
  rule: (cookie: SeenCookie) => boolean,
  problem: string,
): Outcome {
  const cookies = scope === 'session' ? ctx.cookies.filter((c) => isSessionCookie(c.name)) : ctx.cookies
  if (cookies.length === 0) return pass(scope === 'session' ? 'no session cookie seen' : 'no cookie seen')
  const bad = cookies.filter((c) => !rule(c))
  return bad.length
    ? fail(`${names(bad)}: ${problem}`)
    : pass(`${cookies.length} cookie${cookies.length === 1 ? '' : 's'} checked`)
}

function validSameSite(cookie: SeenCookie): boolean {
  if (cookie.rawSameSite !== undefined && cookie.sameSite === undefined) return false
  if (cookie.sameSite === 'none' && !cookie.secure) return false
  return !(cookie.name.toLowerCase().includes('csrf') && cookie.sameSite === undefined)
}

function hostPrefixed(cookie: SeenCookie): boolean {
  if (cookie.name.startsWith('__Host-'))
    return cookie.secure && cookie.path === '/' && cookie.domain === undefined
  return cookie.name.startsWith('__Secure-') && cookie.secure
}

export const COOKIE_CHECKS: readonly LiveCheck[] = [
  {
    id: 'LIVE-CK-01',
    title: 'Session cookies are Secure',
    severity: 'critical',
    fix: "Set session cookies with Secure (kit's secureCookie() does; express-session: cookie.secure = true with trust proxy set).",
    run: (ctx) =>
      everyCookie(ctx, 'session', (c) => c.secure, 'session cookie without Secure (sent over plain HTTP)'),
  },
  {
    id: 'LIVE-CK-02',
    title: 'Session cookies are HttpOnly',
    severity: 'high',
    fix: 'Set session cookies with HttpOnly so page scripts (and XSS) cannot read them.',
    run: (ctx) => everyCookie(ctx, 'session', (c) => c.httpOnly, 'session cookie without HttpOnly'),
  },
  {
    id: 'LIVE-CK-03',
    title: 'Every cookie is Secure',
    severity: 'medium',
    fix: 'Add Secure to every cookie set over HTTPS.',
    run: (ctx) => everyCookie(ctx, 'all', (c) => c.secure, 'cookie without Secure'),
  },
  {
    id: 'LIVE-CK-04',
    title: 'SameSite values are valid',
    severity: 'medium',
    fix: 'Use SameSite=Lax (or Strict); SameSite=None only with Secure; anti-CSRF cookies always with SameSite.',
    run: (ctx) =>
      everyCookie(
        ctx,
        'all',
        validSameSite,
        'SameSite missing on a CSRF cookie, invalid, or None without Secure',
      ),
  },
  {
    id: 'LIVE-CK-05',
    title: 'Every cookie has SameSite',
    severity: 'low',
    fix: 'Give every cookie SameSite=Lax or Strict: browsers differ in what they assume without it.',
    run: (ctx) => everyCookie(ctx, 'all', (c) => c.sameSite !== undefined, 'cookie without SameSite'),
  },
  {
    id: 'LIVE-CK-06',
    title: 'Session cookies use the __Host- or __Secure- prefix',
    severity: 'info',
    fix: "Name session cookies __Host-… (Secure, Path=/, no Domain) so subdomains cannot set or shadow them; kit's secureCookie() adds the prefix.",
    run: (ctx) =>
      everyCookie(ctx, 'session', hostPrefixed, 'session cookie without a valid __Host-/__Secure- prefix'),
  },
  {
    id: 'LIVE-CACHE-01',
    title: 'Responses that set a session cookie are not cached',
    severity: 'medium',
    fix: 'Send Cache-Control: no-store on responses that set or depend on a session cookie, so shared caches never keep them.',
    run(ctx) {
      const setting = ctx.cookies.filter((c) => isSessionCookie(c.name))
      if (setting.length === 0) return pass('no response set a session cookie')
      const cached = setting.filter(
        (c) => !/\bno-store\b/i.test(String(c.response.headers['cache-control'] ?? '')),
      )
      return cached.length
        ? fail(
            `${new URL(cached[0]!.response.url).pathname} sets ${cached[0]!.name} without Cache-Control: no-store`,
          )
        : pass('every response that sets a session cookie has no-store')
    },
  },
]
