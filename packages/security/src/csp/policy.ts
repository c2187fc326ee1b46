import type { Warnings } from '../log.ts'
import type { CspOptions } from '../options.ts'
import { didYouMean } from '../suggest.ts'
import { CSP_DIRECTIVE_NAMES, type CspSources } from './directive-names.ts'
import { BROAD_SCRIPT_SOURCES, normaliseSources } from './sources.ts'

type Fail = (code: string, message: string) => never

export const DEFAULT_REPORT_PATH = '/_kit/csp-report'
/** The `report-to` group name; `Reporting-Endpoints` maps it to the report path. */
export const REPORT_GROUP = 'csp-endpoint'

const OPTION_KEYS = [
  'directives',
  'useDefaults',
  'reportOnly',
  'nonce',
  'reportPath',
  'reportMaxBytes',
  'reportLogsPerMinute',
]
const NONCE_DIRECTIVES = ['script-src', 'script-src-elem', 'style-src', 'style-src-elem']
// A character no validated source can contain: the header is split here and the nonce goes in between.
const NONCE_SLOT = '\u0000'

/** helmet's camelCase spelling ('defaultSrc') → the directive's name ('default-src'); kebab-case passes through. */
function directiveName(key: string): string {
  const kebab = key.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)
  return (CSP_DIRECTIVE_NAMES as readonly string[]).includes(kebab) ? kebab : key
}

/** Kit's strict default: nothing unless listed (Observatory's +10 tier), same-origin assets, no framing. */
function defaultDirectives(production: boolean): Record<string, CspSources> {
  return {
    'default-src': ["'none'"],
    'script-src': ["'self'"],
    'style-src': ["'self'"],
    'img-src': ["'self'", 'data:'],
    'font-src': ["'self'"],
    'connect-src': ["'self'"],
    'manifest-src': ["'self'"],
    'media-src': ["'self'"],
    'worker-src': ["'self'"],
    'object-src': ["'none'"],
    'base-uri': ["'none'"],
    'form-action': ["'self'"],
    'frame-ancestors': ["'none'"],
    // Breaks plain-http localhost in Safari (GOTCHAS): production only.
    'upgrade-insecure-requests': production,
  }
}

export interface CspConfig {
  headerName: 'Content-Security-Policy' | 'Content-Security-Policy-Report-Only'
  /** The header value for HTTPS responses, split at each nonce position (one part when there is no nonce). */
  parts: readonly string[]
  /**
   * The same for plain-HTTP responses: without kit's `report-to`, which
   * browsers honour only on HTTPS while it makes Chromium ignore
   * `report-uri` (no reports at all in development otherwise).
   */
  insecureParts: readonly string[]
  nonce: boolean
  /** The resolved directives, without the nonce. */
  directives: ReadonlyMap<string, readonly string[] | true>
  /** Set when kit's own report endpoint is in use. */
  reportPath: string | undefined
  /** `Reporting-Endpoints` value (HTTPS responses) when `report-to` points at kit's endpoint. */
  reportingEndpoints: string | undefined
  reportMaxBytes: number
  reportLogsPerMinute: number
}

export function parseCsp(
  options: CspOptions | false | undefined,
  production: boolean,
  warnings: Warnings,
  fail: Fail,
): CspConfig | undefined {
  if (options === false) return undefined
  const opts: CspOptions = options ?? {}
  const merged: Record<string, CspSources> = opts.useDefaults === false ? {} : defaultDirectives(production)
  const layers: [string, object][] = [
    ['csp', opts],
    ['csp.directives', opts.directives ?? {}],
  ]
  for (const [where, layer] of layers) {
    const given = new Map<string, string>()
    for (const [written, value] of Object.entries(layer)) {
      if (where === 'csp' && OPTION_KEYS.includes(written)) continue
      const key = directiveName(written)
      const twice = given.get(key)
      if (twice !== undefined) {
        fail(
          'KIT_SECURITY_INVALID_OPTION',
          `${where} sets '${key}' twice, as '${twice}' and as '${written}'. Keep one of them.`,
        )
      }
      given.set(key, written)
      if (!(CSP_DIRECTIVE_NAMES as readonly string[]).includes(key)) {
        const known = where === 'csp' ? [...CSP_DIRECTIVE_NAMES, ...OPTION_KEYS] : [...CSP_DIRECTIVE_NAMES]
        fail(
          'KIT_SECURITY_CSP_UNKNOWN_DIRECTIVE',
          `${where}: '${written}' is not a CSP directive or option.${didYouMean(written, known)}`,
        )
      }
      if (value !== undefined) merged[key] = value as CspSources
    }
  }

  const directives = new Map<string, readonly string[] | true>()
  for (const [name, value] of Object.entries(merged)) {
    const sources = normaliseSources(name, value, fail)
    if (sources !== undefined) directives.set(name, sources)
  }

  const reportPath = opts.reportPath === undefined ? DEFAULT_REPORT_PATH : opts.reportPath
  if (reportPath !== false && !/^\/[A-Za-z0-9\-._~/]*$/.test(reportPath)) {
    fail(
      'KIT_SECURITY_INVALID_OPTION',
      `csp.reportPath must be a path such as '/_kit/csp-report'; got ${JSON.stringify(reportPath)}.`,
    )
  }
  let reportingEndpoints: string | undefined
  if (reportPath !== false) {
    // A report-uri or report-to the user gave (or turned off with false) wins: two of either lose the Observatory bonus.
    if (!('report-uri' in merged)) directives.set('report-uri', [reportPath])
    if (!('report-to' in merged)) {
      directives.set('report-to', [REPORT_GROUP])
      reportingEndpoints = `${REPORT_GROUP}="${reportPath}"`
    }
  }

  const reportOnly = opts.reportOnly === true
  if (reportOnly && production) {
    warnings.warn(
      'csp-report-only',
      'the Content-Security-Policy is report-only in production: it blocks nothing.',
    )
  }
  const nonce = opts.nonce !== false
  checkScriptSources(directives, production, warnings)
  return {
    headerName: reportOnly ? 'Content-Security-Policy-Report-Only' : 'Content-Security-Policy',
    parts: serialise(directives, nonce).split(NONCE_SLOT),
    insecureParts: serialise(withoutOwnReportTo(directives, reportingEndpoints), nonce).split(NONCE_SLOT),
    nonce,
    directives,
    reportPath: reportPath === false ? undefined : reportPath,
    reportingEndpoints,
    reportMaxBytes: positiveInteger(opts.reportMaxBytes, 65_536, 'csp.reportMaxBytes', fail),
    reportLogsPerMinute: positiveInteger(opts.reportLogsPerMinute, 30, 'csp.reportLogsPerMinute', fail),
  }
}

function withoutOwnReportTo(
  directives: ReadonlyMap<string, readonly string[] | true>,
  reportingEndpoints: string | undefined,
): ReadonlyMap<string, readonly string[] | true> {
  if (reportingEndpoints === undefined) return directives
  const copy = new Map(directives)
  copy.delete('report-to')
  return copy
}

function serialise(directives: ReadonlyMap<string, readonly string[] | true>, nonce: boolean): string {
  const out: string[] = []
  for (const [name, sources] of directives) {
    if (sources === true) {
      out.push(name)
      continue
    }
    // A nonce makes browsers ignore 'unsafe-inline'; where the user asked for it, leave the nonce out.
    const withNonce =
      nonce &&
      NONCE_DIRECTIVES.includes(name) &&
      !sources.includes("'unsafe-inline'") &&
      !sources.includes("'none'")
    out.push(`${name} ${sources.join(' ')}${withNonce ? ` 'nonce-${NONCE_SLOT}'` : ''}`)
  }
  return out.join('; ')
}

function checkScriptSources(
  directives: ReadonlyMap<string, readonly string[] | true>,
  production: boolean,
  warnings: Warnings,
): void {
  const script = directives.get('script-src') ?? directives.get('default-src')
  if (script === undefined || script === true) {
    warnings.warn('csp-no-script-src', 'the CSP has neither script-src nor default-src: any script may run.')
    return
  }
  if (script.includes("'unsafe-inline'")) {
    warnings.warn(
      'csp-unsafe-inline',
      "script-src allows 'unsafe-inline': injected inline scripts run. Use the nonce.",
    )
  }
  if (
    script.includes("'unsafe-eval'") ||
    (directives.get('style-src') as string[] | undefined)?.includes("'unsafe-eval'")
  ) {
    warnings.warn('csp-unsafe-eval', "the CSP allows 'unsafe-eval'.")
  }
  const broad = script.filter((s) => BROAD_SCRIPT_SOURCES.has(s))
  if (broad.length > 0) {
    warnings.warn(
      'csp-broad-script-src',
      `script-src allows ${broad.join(' ')}: scripts from anywhere may run.`,
    )
  }
  if (production) {
    for (const [name, sources] of directives) {
      if (sources !== true && sources.some((s) => /^(http|ftp):/i.test(s))) {
        warnings.warn(
          'csp-insecure-source',
          `CSP '${name}' allows a plain http: or ftp: source on an HTTPS site.`,
        )
      }
    }
  }
}

function positiveInteger(value: number | undefined, fallback: number, name: string, fail: Fail): number {
  if (value === undefined) return fallback
  if (!Number.isInteger(value) || value <= 0) {
    fail('KIT_SECURITY_INVALID_OPTION', `${name} must be a positive whole number; got ${String(value)}.`)
  }
  return value
}
