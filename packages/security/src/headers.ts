import type { CspConfig } from './csp/policy.ts'
import type { KitShapedOptions } from './dialects/helmet.ts'
import type { Warnings } from './log.ts'
import type { LegacyHeaderOptions, ReferrerPolicyToken } from './options.ts'
import { buildPermissionsPolicy } from './permissions-policy.ts'
import { rejectUnknownKeys } from './suggest.ts'

type Fail = (code: string, message: string) => never
export type Header = readonly [name: string, value: string]

const REFERRER_TOKENS: readonly ReferrerPolicyToken[] = [
  'no-referrer',
  'no-referrer-when-downgrade',
  'same-origin',
  'origin',
  'strict-origin',
  'origin-when-cross-origin',
  'strict-origin-when-cross-origin',
  'unsafe-url',
]
// Observatory grades these −5; they leak full URLs or origins over plain HTTP.
const UNSAFE_REFERRER: readonly string[] = [
  'unsafe-url',
  'origin',
  'origin-when-cross-origin',
  'no-referrer-when-downgrade',
]

/**
 * Every header that does not change per request, computed once: per request
 * the adapters only copy these pairs onto the response.
 */
export function buildStaticHeaders(
  options: KitShapedOptions,
  csp: CspConfig | undefined,
  warnings: Warnings,
  fail: Fail,
): Header[] {
  const headers: Header[] = [['X-Content-Type-Options', 'nosniff']]
  const add = (name: string, value: string | false | undefined): void => {
    if (value) headers.push([name, value])
  }

  add('Referrer-Policy', referrerPolicy(options.referrerPolicy, warnings, fail))
  add('X-Frame-Options', frameOptions(options.frameOptions, csp, fail))
  add(
    'Cross-Origin-Opener-Policy',
    oneOf(
      'crossOriginOpenerPolicy',
      options.crossOriginOpenerPolicy,
      'same-origin',
      ['same-origin', 'same-origin-allow-popups', 'noopener-allow-popups', 'unsafe-none'],
      fail,
    ),
  )
  add(
    'Cross-Origin-Resource-Policy',
    oneOf(
      'crossOriginResourcePolicy',
      options.crossOriginResourcePolicy,
      'same-origin',
      ['same-origin', 'same-site', 'cross-origin'],
      fail,
    ),
  )
  add(
    'Cross-Origin-Embedder-Policy',
    oneOf(
      'crossOriginEmbedderPolicy',
      options.crossOriginEmbedderPolicy,
      false,
      ['require-corp', 'credentialless', 'unsafe-none'],
      fail,
    ),
  )
  add('Permissions-Policy', buildPermissionsPolicy(options.permissionsPolicy, fail))
  if (options.originAgentCluster !== false) add('Origin-Agent-Cluster', '?1')
  for (const header of legacyHeaders(options.legacyHeaders, fail)) headers.push(header)
  return headers
}

const LEGACY_KEYS = ['dnsPrefetchControl', 'downloadOptions', 'permittedCrossDomainPolicies', 'xssProtection']
const CROSS_DOMAIN_POLICIES = ['none', 'master-only', 'by-content-type', 'all']

/** The X- headers helmet also sends; each can be left out, or given helmet's value object. */
function legacyHeaders(value: KitShapedOptions['legacyHeaders'], fail: Fail): Header[] {
  if (value === false) return []
  const opts: LegacyHeaderOptions = value === undefined || value === true ? {} : value
  if (typeof opts !== 'object' || opts === null) {
    fail(
      'KIT_SECURITY_INVALID_OPTION',
      `legacyHeaders must be true, false or an object; got ${JSON.stringify(value)}.`,
    )
  }
  rejectUnknownKeys(opts, LEGACY_KEYS, 'legacyHeaders', (m) => fail('KIT_SECURITY_INVALID_OPTION', m))
  const out: Header[] = []
  if (opts.dnsPrefetchControl !== false) {
    const allow = field(opts.dnsPrefetchControl, 'allow', 'legacyHeaders.dnsPrefetchControl', fail)
    if (allow !== undefined && typeof allow !== 'boolean') {
      fail(
        'KIT_SECURITY_INVALID_OPTION',
        `legacyHeaders.dnsPrefetchControl.allow must be true or false; got ${JSON.stringify(allow)}.`,
      )
    }
    out.push(['X-DNS-Prefetch-Control', allow === true ? 'on' : 'off'])
  }
  if (field(opts.downloadOptions, undefined, 'legacyHeaders.downloadOptions', fail) !== false)
    out.push(['X-Download-Options', 'noopen'])
  if (opts.permittedCrossDomainPolicies !== false) {
    const policy =
      field(
        opts.permittedCrossDomainPolicies,
        'permittedPolicies',
        'legacyHeaders.permittedCrossDomainPolicies',
        fail,
      ) ?? 'none'
    if (!CROSS_DOMAIN_POLICIES.includes(policy as string)) {
      fail(
        'KIT_SECURITY_INVALID_OPTION',
        `legacyHeaders.permittedCrossDomainPolicies: ${JSON.stringify(policy)} is not a policy. Use one of ${CROSS_DOMAIN_POLICIES.join(', ')}.`,
      )
    }
    out.push(['X-Permitted-Cross-Domain-Policies', policy as string])
  }
  // The XSS auditor it controlled caused leaks; '0' turns it off in the browsers that still have it.
  if (field(opts.xssProtection, undefined, 'legacyHeaders.xssProtection', fail) !== false)
    out.push(['X-XSS-Protection', '0'])
  return out
}

/**
 * One legacy header's setting: false (leave it out), true/undefined (kit's
 * value, returned as undefined), or helmet's `{ [inner]: value }` (the value).
 */
function field(value: unknown, inner: string | undefined, name: string, fail: Fail): unknown {
  if (value === false) return false
  if (value === undefined || value === true) return undefined
  if (inner !== undefined && typeof value === 'object' && value !== null && !Array.isArray(value)) {
    rejectUnknownKeys(value, [inner], name, (m) => fail('KIT_SECURITY_INVALID_OPTION', m))
    return (value as Record<string, unknown>)[inner]
  }
  return fail(
    'KIT_SECURITY_INVALID_OPTION',
    `${name} must be true or false${inner ? ` or { ${inner} }` : ''}; got ${JSON.stringify(value)}.`,
  )
}

function referrerPolicy(
  value: KitShapedOptions['referrerPolicy'],
  warnings: Warnings,
  fail: Fail,
): string | false {
  if (value === false) return false
  if (value !== undefined && typeof value !== 'string' && !Array.isArray(value)) {
    fail(
      'KIT_SECURITY_INVALID_OPTION',
      `referrerPolicy must be a policy such as 'no-referrer', a list of them, { policy: 'no-referrer' } or false; got ${JSON.stringify(value)}.`,
    )
  }
  const tokens =
    value === undefined
      ? ['strict-origin-when-cross-origin']
      : typeof value === 'string'
        ? [value]
        : [...(value as readonly string[])]
  if (tokens.length === 0)
    fail('KIT_SECURITY_INVALID_OPTION', 'referrerPolicy is an empty list; give a policy or false.')
  for (const token of tokens) {
    if (!(REFERRER_TOKENS as readonly string[]).includes(token)) {
      fail(
        'KIT_SECURITY_INVALID_OPTION',
        `referrerPolicy: ${JSON.stringify(token)} is not a Referrer-Policy. Use one of ${REFERRER_TOKENS.join(', ')}.`,
      )
    }
  }
  // Browsers apply the last token they understand.
  if (UNSAFE_REFERRER.includes(tokens[tokens.length - 1]!)) {
    warnings.warn('referrer-policy-unsafe', `Referrer-Policy '${tokens.at(-1)}' leaks URLs to other sites.`)
  }
  return tokens.join(', ')
}

function frameOptions(
  value: KitShapedOptions['frameOptions'],
  csp: CspConfig | undefined,
  fail: Fail,
): string | false {
  if (value === false) return false
  if (value !== undefined) {
    const upper = String(value).toUpperCase()
    if (upper !== 'DENY' && upper !== 'SAMEORIGIN') {
      fail(
        'KIT_SECURITY_INVALID_OPTION',
        `frameOptions must be 'DENY', 'SAMEORIGIN' or false; got ${JSON.stringify(value)}.`,
      )
    }
    return upper
  }
  // Follow frame-ancestors, so both headers say the same thing to old and new browsers.
  const ancestors = csp?.directives.get('frame-ancestors')
  if (ancestors === undefined) return 'DENY'
  if (ancestors !== true && ancestors.length === 1 && ancestors[0] === "'none'") return 'DENY'
  if (ancestors !== true && ancestors.length === 1 && ancestors[0] === "'self'") return 'SAMEORIGIN'
  return false
}

function oneOf<T extends string>(
  name: string,
  value: T | false | undefined,
  fallback: T | false,
  allowed: readonly T[],
  fail: Fail,
): string | false {
  if (value === undefined) return fallback
  if (value === false) return false
  if (!allowed.includes(value)) {
    fail(
      'KIT_SECURITY_INVALID_OPTION',
      `${name}: ${JSON.stringify(value)} is not allowed. Use one of ${allowed.map((a) => `'${a}'`).join(', ')} or false.`,
    )
  }
  return value
}
