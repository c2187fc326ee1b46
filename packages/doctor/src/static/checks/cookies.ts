import { type CheckDefinition, fail, pass } from '../../types.ts'
import type { DoctorContext } from '../context.ts'
import { describeMatches, findInSources, type SourceFile } from '../source-scan.ts'

type StaticCheck = CheckDefinition<DoctorContext>

const SESSION_NAMES =
  '(?:__Host-|__Secure-)?(?:\\w*sess\\w*|sid|connect\\.sid|\\w*login\\w*|\\w*token\\w*|auth\\w*)'
/** A Set-Cookie value written by hand: `'session=' + id + '; Path=/; HttpOnly'`. */
const RAW_SESSION_COOKIE = new RegExp(`['"\`]${SESSION_NAMES}=`, 'i')
const SETS_COOKIE = /set-cookie|\.cookie\s*\(|cookie\s*=/i

/** The rest of the line a hand-written cookie starts on, when that line sets a cookie. */
function cookieLine(match: RegExpExecArray, file: SourceFile): string | undefined {
  const start = file.text.lastIndexOf('\n', match.index) + 1
  const end = file.text.indexOf('\n', match.index)
  const line = file.text.slice(start, end === -1 ? undefined : end)
  return SETS_COOKIE.test(line) ? file.text.slice(match.index, end === -1 ? undefined : end) : undefined
}
const rawCookieWithout = (attribute: RegExp) => (match: RegExpExecArray, file: SourceFile) => {
  const rest = cookieLine(match, file)
  return rest !== undefined && !attribute.test(rest)
}
const EXPRESS_SESSION = /from\s+['"]express-session['"]|require\(\s*['"]express-session['"]\s*\)/

function expressSessionFiles(ctx: DoctorContext): SourceFile[] {
  return ctx.sources.filter((file) => EXPRESS_SESSION.test(file.text))
}

export const COOKIE_CHECKS: readonly StaticCheck[] = [
  {
    id: 'KIT-SEC-030',
    ref: 'CFG-CK-01',
    title: 'Session cookies are Secure',
    severity: 'critical',
    fix: "Set cookies with kit's secureCookie() (Secure, HttpOnly, SameSite=Lax, __Host- prefix), or `secure: true` (express-session: cookie.secure = true, which needs TRUST_PROXY); never `secure: false` in production.",
    run(ctx) {
      const found = [
        ...findInSources(ctx.sources, /\bsecure\s*:\s*false\b/),
        ...findInSources(ctx.sources, RAW_SESSION_COOKIE, rawCookieWithout(/;\s*secure\b/i)),
      ]
      const sessions = expressSessionFiles(ctx).filter(
        (file) => !/\bsecure\s*:\s*(?:true|['"]auto['"])/.test(file.text),
      )
      const problems = [
        ...(found.length ? [`cookies without Secure: ${describeMatches(found)}`] : []),
        ...sessions.map(
          (file) => `${file.path} uses express-session without cookie.secure (it defaults to false)`,
        ),
      ]
      return problems.length ? fail(problems.join('; ')) : pass('no cookie is set without Secure')
    },
  },
  {
    id: 'KIT-SEC-031',
    ref: 'CFG-CK-02',
    title: 'Session cookies are HttpOnly',
    severity: 'high',
    fix: 'Remove `httpOnly: false`: a script injected into the page could read the session.',
    run(ctx) {
      const found = [
        ...findInSources(ctx.sources, /\bhttpOnly\s*:\s*false\b/i),
        ...findInSources(ctx.sources, RAW_SESSION_COOKIE, rawCookieWithout(/;\s*httponly\b/i)),
      ]
      return found.length
        ? fail(`cookies readable by scripts: ${describeMatches(found)}`)
        : pass('no cookie turns HttpOnly off')
    },
  },
  {
    id: 'KIT-SEC-032',
    ref: 'CFG-CK-03',
    title: 'SameSite is Lax or Strict',
    severity: 'medium',
    fix: "Use sameSite: 'lax' (kit's default) or 'strict'; 'none' only for cookies that must be sent cross-site, and always with secure: true.",
    run(ctx) {
      const found = findInSources(ctx.sources, /\bsameSite\s*:\s*(?:false\b|['"]none['"])/i, (m, file) => {
        if (/false/.test(m[0])) return true
        const around = file.text.slice(Math.max(0, (m.index ?? 0) - 200), (m.index ?? 0) + 200)
        return !/\bsecure\s*:\s*true\b/.test(around)
      })
      return found.length
        ? fail(`SameSite off, or None without Secure: ${describeMatches(found)}`)
        : pass('no cookie turns SameSite off')
    },
  },
  {
    id: 'KIT-SEC-033',
    ref: 'CFG-CK-04',
    title: 'The session cookie does not use a framework’s default name',
    severity: 'low',
    fix: "Give express-session a `name` (e.g. '__Host-sid'): connect.sid tells attackers what runs the site.",
    run(ctx) {
      const unnamed = expressSessionFiles(ctx).filter((file) => !/\bname\s*:/.test(file.text))
      const defaults = findInSources(ctx.sources, /['"`]connect\.sid['"`]/)
      if (unnamed.length)
        return fail(`${unnamed.map((f) => f.path).join(', ')}: express-session without a name (connect.sid)`)
      return defaults.length
        ? fail(`connect.sid used: ${describeMatches(defaults)}`)
        : pass('no default session cookie name')
    },
  },
]
