import { type CheckDefinition, fail, pass } from '../../types.ts'
import type { DoctorContext } from '../context.ts'
import { describeMatches, findInSources, type SourceFile } from '../source-scan.ts'

type StaticCheck = CheckDefinition<DoctorContext>

/**
 * Public suffixes where anyone can get a subdomain: `https://*.herokuapp.com`
 * trusts every other tenant of the platform.
 */
const SHARED_HOSTING = [
  'herokuapp.com',
  'vercel.app',
  'netlify.app',
  'github.io',
  'onrender.com',
  'fly.dev',
  'up.railway.app',
  'railway.app',
  'pages.dev',
  'workers.dev',
  'azurewebsites.net',
  'cloudfront.net',
  'appspot.com',
  'web.app',
  'firebaseapp.com',
  'ngrok.io',
  'ngrok-free.app',
  'ondigitalocean.app',
  'glitch.me',
  'repl.co',
  'amazonaws.com',
]

const REFLECT_HEADER =
  /access-control-allow-origin['"`]\s*[,:]\s*(?:req|request|ctx\.request|c\.req)\.(?:headers\.origin|headers\[['"]origin['"]\]|header\(\s*['"]origin['"]\s*\)|get\(\s*['"]origin['"]\s*\))/i
const ORIGIN_TRUE =
  /\borigin\s*:\s*(?:true\b|\(\s*\w*\s*,\s*(?:callback|cb)\s*\)\s*=>\s*(?:callback|cb)\(\s*null\s*,\s*true\s*\))/
const CREDENTIALS = /\bcredentials\s*:\s*true\b/
const UNANCHORED_REGEX = /\borigin\s*:\s*[^\n]*?(?<![\w'"`:/.\\])\/(?!\^)(?:[^/\n\\]|\\.)+\/[gimsuy]*/
const STRING_MATCH =
  /\borigin\??\.(?:endsWith|includes|startsWith|indexOf)\(|\.(?:endsWith|includes)\(\s*(?:req|request)\.headers\.origin/

const inFileWith = (pattern: RegExp) => (_m: RegExpExecArray, file: SourceFile) => pattern.test(file.text)

export const CORS_CHECKS: readonly StaticCheck[] = [
  {
    id: 'KIT-SEC-020',
    ref: 'CFG-CORS-01',
    title: 'No code echoes the Origin with credentials',
    severity: 'critical',
    fix: 'Do not set Access-Control-Allow-Origin from the request: list the origins in ALLOWED_ORIGINS (kit’s CORS answers only those) and remove the hand-written CORS code or the cors({ origin: true, credentials: true }) call.',
    run(ctx) {
      const found = [
        ...findInSources(ctx.sources, REFLECT_HEADER),
        ...findInSources(ctx.sources, ORIGIN_TRUE, inFileWith(CREDENTIALS)),
      ]
      return found.length
        ? fail(`the request's Origin is trusted as is: ${describeMatches(found)}`)
        : pass('no origin reflection in the app’s code')
    },
  },
  {
    id: 'KIT-SEC-021',
    ref: 'CFG-CORS-02',
    title: 'No wildcard origin with credentials',
    severity: 'medium',
    fix: 'Replace "*" in ALLOWED_ORIGINS with the origins that need cookies, or turn CORS_ALLOW_CREDENTIALS off.',
    run(ctx) {
      if (ctx.securityError?.code === 'KIT_SECURITY_CORS_WILDCARD_CREDENTIALS')
        return fail(ctx.securityError.message)
      const cors = ctx.security?.cors
      if (cors?.origins.any)
        return pass('every origin may read responses ("*") without cookies, which suits public data')
      return pass(
        cors ? `${cors.origins.exact.size + cors.origins.patterns.length} origins allowed` : 'CORS is off',
      )
    },
  },
  {
    id: 'KIT-SEC-022',
    ref: 'CFG-CORS-03',
    title: 'Origin allow-list cannot be bypassed',
    severity: 'high',
    fix: 'List exact origins or https://*.your-domain.com (never a shared-hosting suffix like *.herokuapp.com); in your own code compare origins exactly or with an anchored, escaped regex (/^https:\\/\\/app\\.example\\.com$/).',
    run(ctx) {
      const shared = (ctx.security?.cors?.origins.patterns ?? []).filter((p) =>
        SHARED_HOSTING.some((suffix) => p.endsWith(`*.${suffix}`)),
      )
      if (shared.length) return fail(`${shared.join(', ')} trusts every other customer of that platform`)
      const found = [
        ...findInSources(ctx.sources, UNANCHORED_REGEX),
        ...findInSources(ctx.sources, STRING_MATCH),
      ]
      return found.length
        ? fail(`an origin check that look-alike domains pass: ${describeMatches(found)}`)
        : pass('patterns match whole host labels')
    },
  },
  {
    id: 'KIT-SEC-023',
    ref: 'CFG-CORS-04',
    title: "No 'null' or http:// origins",
    severity: 'high',
    fix: "Remove 'null' (any sandboxed page can send it) and http:// origins (a network attacker controls them) from ALLOWED_ORIGINS.",
    run(ctx) {
      if (ctx.securityError?.code === 'KIT_SECURITY_CORS_INVALID_ORIGIN')
        return fail(ctx.securityError.message)
      const insecure = ctx.production
        ? [
            ...(ctx.security?.cors?.origins.exact ?? []),
            ...(ctx.security?.cors?.origins.patterns ?? []),
          ].filter((o) => o.startsWith('http://'))
        : []
      return insecure.length
        ? fail(`plain http:// origins trusted in production: ${insecure.join(', ')}`)
        : pass("no 'null' or http:// origin")
    },
  },
]
