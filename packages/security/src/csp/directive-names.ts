/** One CSP directive's sources; `true` turns on a valueless directive, `false`/`null` removes a default one. */
export type CspSources = readonly string[] | string | boolean | null

/** Directives of CSP Level 3 (and the deprecated ones browsers still read). */
export const CSP_DIRECTIVE_NAMES = [
  'default-src',
  'script-src',
  'script-src-elem',
  'script-src-attr',
  'style-src',
  'style-src-elem',
  'style-src-attr',
  'img-src',
  'font-src',
  'connect-src',
  'media-src',
  'object-src',
  'frame-src',
  'child-src',
  'worker-src',
  'manifest-src',
  'prefetch-src',
  'fenced-frame-src',
  'base-uri',
  'form-action',
  'frame-ancestors',
  'sandbox',
  'report-uri',
  'report-to',
  'require-trusted-types-for',
  'trusted-types',
  'upgrade-insecure-requests',
  'block-all-mixed-content',
  'webrtc',
] as const

export type CspDirectiveName = (typeof CSP_DIRECTIVE_NAMES)[number]

export type CspDirectives = { readonly [K in CspDirectiveName]?: CspSources }

/** 'script-src-elem' → 'scriptSrcElem': the spelling helmet and @fastify/helmet use. */
export type CamelCaseDirective<S extends string> = S extends `${infer Head}-${infer Tail}`
  ? `${Head}${Capitalize<CamelCaseDirective<Tail>>}`
  : S

/** The same directives under helmet's camelCase names (`defaultSrc`, `frameAncestors`). */
export type CspDirectivesCamelCase = {
  readonly [K in CspDirectiveName as CamelCaseDirective<K>]?: CspSources
}

/** Directives that take no value: `true` turns them on. */
export const VALUELESS_DIRECTIVES: ReadonlySet<string> = new Set([
  'upgrade-insecure-requests',
  'block-all-mixed-content',
])

/** Directives whose values are not source lists (no keyword/scheme checks apply). */
export const NON_SOURCE_DIRECTIVES: ReadonlySet<string> = new Set([
  'sandbox',
  'report-uri',
  'report-to',
  'require-trusted-types-for',
  'trusted-types',
  'webrtc',
])

/** Keywords that must be single-quoted inside a source list. */
export const CSP_KEYWORDS: ReadonlySet<string> = new Set([
  'self',
  'none',
  'unsafe-inline',
  'unsafe-eval',
  'unsafe-hashes',
  'strict-dynamic',
  'report-sample',
  'wasm-unsafe-eval',
  'unsafe-allow-redirects',
  'inline-speculation-rules',
  'trusted-types-eval',
  'report-sha256',
  'report-sha384',
  'report-sha512',
])
