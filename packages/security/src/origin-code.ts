/**
 * Origins given as code (the `cors` package's RegExp and function forms).
 * Kit still applies its own rules around them: they only ever see
 * well-formed origins (never `null`, a path or a userinfo trick), and a
 * RegExp that also matches look-alikes of the domain it names is refused at
 * start-up, since that is the classic CORS bypass.
 */
import type { CorsOriginFunction } from './options.ts'

type Fail = (code: string, message: string) => never

// A host-like literal in a RegExp's source: example\.com, api\.example\.co\.uk.
const DOMAIN_LITERAL = /[a-z0-9-]+(?:\\?\.[a-z0-9-]+)+/gi

/** Origins an attacker can register that look like `domain` to a careless pattern. */
function lookAlikes(domain: string): string[] {
  const [first = '', ...rest] = domain.split('.')
  return [
    `https://${domain}.attacker.example`, // no $ anchor
    `https://www.${domain}.attacker.example`,
    `https://evil-${domain}`, // no ^ anchor, or no dot before the domain
    `https://evil${domain}`,
    `https://${first}x${rest.join('.')}`, // an unescaped dot
    `http://${domain}.attacker.example`,
  ]
}

/**
 * A copy of `pattern` without the g/y flags (their lastIndex would make
 * test() answer differently on each call), refused when it matches any
 * origin at all or a look-alike of a domain it names.
 */
export function checkOriginRegExp(pattern: RegExp, setting: string, fail: Fail): RegExp {
  const re = new RegExp(pattern.source, pattern.flags.replace(/[gy]/g, ''))
  const literals = (pattern.source.match(DOMAIN_LITERAL) ?? []).map((d) => d.replace(/\\\./g, '.'))
  // localhost is the one single-label host allow-lists name (development front ends).
  if (/localhost/i.test(pattern.source)) literals.push('localhost')
  const domains = [...new Set(literals)]
  const probes = ['https://kit-probe.attacker.example', ...domains.flatMap(lookAlikes)]
  const matched = probes.find((probe) => re.test(probe))
  if (matched !== undefined) {
    fail(
      'KIT_SECURITY_CORS_UNSAFE_PATTERN',
      `${setting}: ${String(pattern)} also matches ${matched}, an origin anyone can register. Anchor the pattern (^…$), escape the dots and match whole labels, such as /^https:\\/\\/([a-z0-9-]+\\.)*example\\.com$/, or use 'https://*.example.com'.`,
    )
  }
  return re
}

/**
 * Asks an origin function, cors-style. It must answer before it returns
 * (a boolean, or `callback(null, allow)`); `'async'` means it did not, and
 * the origin is refused: a CORS decision cannot wait on I/O here.
 */
export function askOriginFunction(fn: CorsOriginFunction, origin: string): boolean | 'async' {
  let answered = false
  let allow: unknown
  const returned = fn(origin, (error, value) => {
    answered = true
    allow = error ? false : value
  })
  if (!answered) {
    if (typeof returned === 'boolean') return returned
    return 'async'
  }
  if (allow === true || allow === origin) return true
  if (Array.isArray(allow)) return allow.includes(origin)
  if (allow instanceof RegExp) return new RegExp(allow.source, allow.flags.replace(/[gy]/g, '')).test(origin)
  return false
}
