/**
 * helmet's option names and value shapes, mapped onto kit's, so the options
 * of an existing `helmet({...})` (or @fastify/helmet) call can be passed to
 * createSecurity() as they are. Only names that mean the same thing are
 * taken; kit's stricter defaults stay for everything not given.
 * What helmet means by each shape: docs/internals/option-dialects.md.
 */
import type {
  CspOptions,
  EmbedderPolicy,
  HelmetOptionNames,
  HstsOptions,
  OpenerPolicy,
  ReferrerPolicyToken,
  ResourcePolicy,
  SecurityOptions,
} from '../options.ts'
import { rejectUnknownKeys } from '../suggest.ts'

type Fail = (code: string, message: string) => never

/** Options in kit's names and shapes only: what the rest of the package reads. */
export interface KitShapedOptions
  extends Omit<
    SecurityOptions,
    | keyof HelmetOptionNames
    | 'csp'
    | 'hsts'
    | 'referrerPolicy'
    | 'frameOptions'
    | 'crossOriginOpenerPolicy'
    | 'crossOriginResourcePolicy'
    | 'crossOriginEmbedderPolicy'
  > {
  csp?: CspOptions | false
  hsts?: HstsOptions | false
  referrerPolicy?: ReferrerPolicyToken | readonly ReferrerPolicyToken[] | false
  frameOptions?: 'DENY' | 'SAMEORIGIN' | false
  crossOriginOpenerPolicy?: OpenerPolicy | false
  crossOriginResourcePolicy?: ResourcePolicy | false
  crossOriginEmbedderPolicy?: EmbedderPolicy | false
}
type Options = Record<string, unknown>

/** helmet's name → kit's name, for options kit has under another name. */
const RENAMED: Readonly<Record<string, string>> = {
  contentSecurityPolicy: 'csp',
  strictTransportSecurity: 'hsts',
  frameguard: 'frameOptions',
  xFrameOptions: 'frameOptions',
}

/** helmet's X- header options (old and new names) → the key in kit's `legacyHeaders` object. */
const LEGACY: Readonly<Record<string, string>> = {
  xDnsPrefetchControl: 'dnsPrefetchControl',
  dnsPrefetchControl: 'dnsPrefetchControl',
  xDownloadOptions: 'downloadOptions',
  ieNoOpen: 'downloadOptions',
  xPermittedCrossDomainPolicies: 'permittedCrossDomainPolicies',
  permittedCrossDomainPolicies: 'permittedCrossDomainPolicies',
  xXssProtection: 'xssProtection',
  xssFilter: 'xssProtection',
}

/** What kit always does, which helmet lets you turn off. */
const ALWAYS: Readonly<Record<string, string>> = {
  xContentTypeOptions: 'sends X-Content-Type-Options: nosniff',
  noSniff: 'sends X-Content-Type-Options: nosniff',
  xPoweredBy: 'removes X-Powered-By',
  hidePoweredBy: 'removes X-Powered-By',
}

/** Every helmet option name createSecurity() takes besides its own. */
export const HELMET_OPTION_NAMES: readonly string[] = [
  ...Object.keys(RENAMED),
  ...Object.keys(LEGACY),
  ...Object.keys(ALWAYS),
]

/**
 * Options with helmet's names and shapes (`contentSecurityPolicy: true`,
 * `referrerPolicy: { policy }`, `frameguard: { action }`) → the same options
 * in kit's names and shapes. Kit's own options pass through unchanged.
 */
export function fromHelmetOptions(options: SecurityOptions, fail: Fail): KitShapedOptions {
  const out: Options = {}
  const writtenAs = new Map<string, string>()
  const put = (name: string, written: string, value: unknown): void => {
    const before = writtenAs.get(name)
    if (before !== undefined) {
      fail(
        'KIT_SECURITY_INVALID_OPTION',
        `createSecurity() got both '${before}' and '${written}', which are the same setting ('${name}'). Keep one.`,
      )
    }
    writtenAs.set(name, written)
    out[name] = value
  }
  const legacy: Options = {}
  for (const [key, value] of Object.entries(options)) {
    if (value === undefined) continue
    const always = ALWAYS[key]
    if (always !== undefined) {
      if (value !== true) {
        fail(
          'KIT_SECURITY_INVALID_OPTION',
          `${key}: ${JSON.stringify(value)} cannot be turned off: kit always ${always}. Remove '${key}'.`,
        )
      }
    } else if (LEGACY[key] !== undefined) {
      put(`legacyHeaders.${LEGACY[key]}`, key, value)
      legacy[LEGACY[key]!] = value
    } else put(RENAMED[key] ?? key, key, value)
  }
  if (Object.keys(legacy).length > 0) {
    if (out.legacyHeaders !== undefined) {
      fail(
        'KIT_SECURITY_INVALID_OPTION',
        `createSecurity() got 'legacyHeaders' and helmet's ${Object.keys(legacy).join(', ')}. Give the X- headers in one place: legacyHeaders: { ${Object.keys(legacy).join(', ')} }.`,
      )
    }
    out.legacyHeaders = legacy
  }
  const name = (kit: string): string => writtenAs.get(kit) ?? kit
  onMeansDefault(out, 'csp')
  onMeansDefault(out, 'hsts')
  onMeansDefault(out, 'referrerPolicy')
  onMeansDefault(out, 'crossOriginOpenerPolicy')
  onMeansDefault(out, 'crossOriginResourcePolicy')
  onMeansDefault(out, 'frameOptions')
  if (out.crossOriginEmbedderPolicy === true) out.crossOriginEmbedderPolicy = 'require-corp'
  for (const kit of [
    'referrerPolicy',
    'crossOriginOpenerPolicy',
    'crossOriginResourcePolicy',
    'crossOriginEmbedderPolicy',
  ]) {
    unwrap(out, kit, 'policy', name(kit), fail)
  }
  unwrap(out, 'frameOptions', 'action', name('frameOptions'), fail)
  return out as KitShapedOptions
}

/** helmet's `true` turns a header on with its default: for kit that is its own (stricter) default. */
function onMeansDefault(out: Options, kit: string): void {
  if (out[kit] === true) delete out[kit]
}

/** `{ policy: 'no-referrer' }` → 'no-referrer' (helmet wraps each header's value in an object). */
function unwrap(out: Options, kit: string, field: string, written: string, fail: Fail): void {
  const value = out[kit]
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return
  rejectUnknownKeys(value, [field], written, (m) => fail('KIT_SECURITY_INVALID_OPTION', m))
  const inner = (value as Options)[field]
  if (inner === undefined) delete out[kit]
  else out[kit] = inner
}
