import { join } from 'node:path'
/**
 * Every HTTP variant by name, with its role: the runner computes ratios
 * between roles of the same framework (kit / README-style, kit / bare...).
 * Variants are imported lazily, so a server process loads only its own stack.
 */
export type Framework = 'express' | 'fastify' | 'node'
export type Role =
  | 'bare'
  | 'logging by hand'
  | 'README-style'
  | 'expert-tuned'
  | 'kit logging only'
  | 'kit defaults'
  | 'kit everything on'
  | 'kit everything on but Sentry'
  | 'README-style + Sentry'
  | 'README-style + Redis'
  | 'bare + AsyncLocalStorage'
  | 'kit defaults + Sentry'
  | 'kit everything on but Sentry, one part off'

export interface VariantInfo {
  name: string
  framework: Framework
  role: Role
  /** Extra services the runner provides (env) and Node flags. */
  needs?: { redis?: boolean; sentry?: boolean }
  /** The preload when `needs.sentry`. @default ['--import', '@kit/sentry/instrument'] */
  preload?: string[]
  start(): Promise<number>
}

const ex = () => import('./express.ts')
const fa = () => import('./fastify.ts')

export const VARIANTS: readonly VariantInfo[] = [
  {
    name: 'node:http',
    framework: 'node',
    role: 'bare',
    start: async () => (await import('./node.ts')).bare(),
  },
  { name: 'express bare', framework: 'express', role: 'bare', start: async () => (await ex()).bare() },
  {
    name: 'express + pino-http',
    framework: 'express',
    role: 'logging by hand',
    start: async () => (await ex()).pinoHttpOnly(),
  },
  {
    name: 'express README-style',
    framework: 'express',
    role: 'README-style',
    start: async () => (await ex()).readme(),
  },
  {
    name: 'express expert-tuned',
    framework: 'express',
    role: 'expert-tuned',
    start: async () => (await ex()).expert(),
  },
  {
    name: 'express kit logging only',
    framework: 'express',
    role: 'kit logging only',
    start: async () => (await ex()).kitLoggingOnly(),
  },
  {
    name: 'express kit defaults',
    framework: 'express',
    role: 'kit defaults',
    start: async () => (await ex()).kitDefaults(),
  },
  {
    name: 'express kit everything on',
    framework: 'express',
    role: 'kit everything on',
    needs: { redis: true, sentry: true },
    start: async () => (await ex()).kitEverything(),
  },
  {
    // Diagnostic: what everything on costs without Sentry's per-request tracing machinery.
    name: 'express kit everything on but Sentry',
    framework: 'express',
    role: 'kit everything on but Sentry',
    needs: { redis: true },
    start: async () => (await ex()).kitEverything({ sentry: false }),
  },
  { name: 'fastify bare', framework: 'fastify', role: 'bare', start: async () => (await fa()).bare() },
  {
    name: 'fastify + own logger',
    framework: 'fastify',
    role: 'logging by hand',
    start: async () => (await fa()).ownLoggerOnly(),
  },
  {
    name: 'fastify README-style',
    framework: 'fastify',
    role: 'README-style',
    start: async () => (await fa()).readme(),
  },
  {
    name: 'fastify expert-tuned',
    framework: 'fastify',
    role: 'expert-tuned',
    start: async () => (await fa()).expert(),
  },
  {
    name: 'fastify kit logging only',
    framework: 'fastify',
    role: 'kit logging only',
    start: async () => (await fa()).kitLoggingOnly(),
  },
  {
    name: 'fastify kit defaults',
    framework: 'fastify',
    role: 'kit defaults',
    start: async () => (await fa()).kitDefaults(),
  },
  {
    name: 'fastify kit everything on',
    framework: 'fastify',
    role: 'kit everything on',
    needs: { redis: true, sentry: true },
    start: async () => (await fa()).kitEverything(),
  },
  {
    // Diagnostic: what everything on costs without Sentry's per-request tracing machinery.
    name: 'fastify kit everything on but Sentry',
    framework: 'fastify',
    role: 'kit everything on but Sentry',
    needs: { redis: true },
    start: async () => (await fa()).kitEverything({ sentry: false }),
  },
]

/** Node flags a variant starts with: its Sentry preload, if it uses Sentry. */
export function preloadOf(variant: VariantInfo): string[] {
  if (!variant.needs?.sentry) return []
  return variant.preload ?? ['--import', '@kit/sentry/instrument']
}

const SENTRY_DOCS_PRELOAD = ['--import', './http/variants/sentry-docs-instrument.mjs']

/**
 * Issue 20: error tracking's cost per request, tracing off. kit with Sentry
 * against kit without (the CPU target) and against the README-style stack
 * with Sentry set up as Sentry's guides say (the throughput target).
 */
export const SENTRY_VARIANTS: readonly VariantInfo[] = (['express', 'fastify'] as const).flatMap(
  (framework) => {
    const mod = () => (framework === 'express' ? ex() : fa())
    return [
      {
        name: `${framework} README-style`,
        framework,
        role: 'README-style' as const,
        start: async () => (await mod()).readme(),
      },
      {
        name: `${framework} README-style + Sentry`,
        framework,
        role: 'README-style + Sentry' as const,
        needs: { sentry: true },
        preload: SENTRY_DOCS_PRELOAD,
        start: async () => (await mod()).readme({ sentry: true }),
      },
      {
        name: `${framework} kit defaults`,
        framework,
        role: 'kit defaults' as const,
        start: async () => (await mod()).kitDefaults(),
      },
      {
        name: `${framework} kit defaults + Sentry`,
        framework,
        role: 'kit defaults + Sentry' as const,
        needs: { sentry: true },
        start: async () => (await mod()).kitDefaults({ sentry: true }),
      },
    ]
  },
)

/**
 * Issue 21: kit against the stack it replaces, per framework: the bare
 * framework, the README-style stack (memory and Redis store), kit defaults,
 * and everything on but Sentry (Redis store, flags, metrics).
 */
export const ISSUE21_VARIANTS: readonly VariantInfo[] = (['express', 'fastify'] as const).flatMap(
  (framework) => {
    const mod = () => (framework === 'express' ? ex() : fa())
    const named = (role: Role) => VARIANTS.find((v) => v.framework === framework && v.role === role)!
    return [
      named('bare'),
      {
        // Diagnostic: what request context (AsyncLocalStorage.run per request) costs on this Node.
        name: `${framework} bare + AsyncLocalStorage`,
        framework,
        role: 'bare + AsyncLocalStorage' as const,
        start: async () => (await mod()).bareWithContext(),
      },
      named('README-style'),
      {
        name: `${framework} README-style + Redis`,
        framework,
        role: 'README-style + Redis' as const,
        needs: { redis: true },
        start: async () => (await mod()).readme({ redis: true }),
      },
      named('kit defaults'),
      named('kit everything on but Sentry'),
    ]
  },
)

/**
 * Issue 21's attribution: everything on but Sentry with one more part off
 * (`... but Sentry, no redis|flags|metrics`), so each part's cost per
 * request is the difference from the full variant (bench/http/threads.ts).
 */
export const EVERYTHING_PARTS_VARIANTS: readonly VariantInfo[] = (['express', 'fastify'] as const).flatMap(
  (framework) => {
    const mod = () => (framework === 'express' ? ex() : fa())
    return (['redis', 'flags', 'metrics'] as const).map((part) => ({
      name: `${framework} kit everything on but Sentry, no ${part}`,
      framework,
      role: 'kit everything on but Sentry, one part off' as const,
      needs: { redis: true },
      start: async () => (await mod()).kitEverything({ sentry: false, [part]: false }),
    }))
  },
)

export function variantByName(name: string): VariantInfo | undefined {
  return [...VARIANTS, ...SENTRY_VARIANTS, ...ISSUE21_VARIANTS, ...EVERYTHING_PARTS_VARIANTS].find(
    (v) => v.name === name,
  )
}

/**
 * Variants named on a command line; `base:<name>` is the variant from another
 * checkout (`--base <dir>`: its bench/ folder), for old against new in one run.
 */
export function variantsFromLabels(
  labels: readonly string[],
  base: string | undefined,
): Array<VariantInfo & { label: string; benchDir: string | undefined }> {
  return labels.map((label) => {
    const fromBase = label.startsWith('base:')
    const v = variantByName(fromBase ? label.slice('base:'.length) : label)
    if (!v) throw new Error(`unknown variant ${JSON.stringify(label)}`)
    if (fromBase && !base) throw new Error(`${label} needs --base <checkout>`)
    return { ...v, label, benchDir: fromBase ? join(base!, 'bench') : undefined }
  })
}
