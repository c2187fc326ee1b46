import { basename } from 'node:path'
import { BUILTIN_NAMES } from '@kit/env'
import { parseDurationMs } from '@kit/internal'
import { PASSED_TO_PINO } from '@kit/logger'
import { findKnexfile, projectMigrations } from '@kit/migrate'
import { NOT_TAKEN_TIER_OPTIONS, TIER_KEYS } from '@kit/rate-limit'
import { carryOptions, type LeftOut } from './carry-options.ts'
import { type AstNode, stringValue } from './parse-source.ts'
import type { EntryScan, FoundMiddleware } from './scan-entry.ts'

/** A line of kit.config: a property as written, a nested object, or a comment. */
export type ConfigEntry = { text: string } | { key: string; entries: ConfigEntry[] } | { comment: string }

/** What init found in the app and where it goes in kit.config. */
export interface Finding {
  package: string
  /** The call as written, on one line. */
  call: string
  /** kit.config section that takes its options, or what replaces it. */
  becomes: string
  carried: string[]
  leftOut: LeftOut[]
}

export interface ConfigPlan {
  entries: ConfigEntry[]
  findings: Finding[]
  envNames: string[]
  knexfile?: string
  notes: string[]
  /** Edits of the entry file itself: `config.rateLimit` → `config.kitRateLimit` on Fastify routes. */
  entryEdits: { start: number; end: number; text: string }[]
}

const INDENT = '  '
/** cors's options with the same meaning in kit (docs/migrating.md); @fastify/cors' own extras are left out. */
const CORS_KEYS = new Set([
  'origin',
  'credentials',
  'methods',
  'allowedHeaders',
  'exposedHeaders',
  'maxAge',
  'optionsSuccessStatus',
  'preflightContinue',
])
/** What kit's `logger` takes from a pino options object: kit's own `level` and `base`, and pino's passed-through ones. */
const LOGGER_KEYS: ReadonlySet<string> = new Set(['level', 'base', ...PASSED_TO_PINO])
/** @fastify/helmet's plugin switches, not header options. */
const FASTIFY_HELMET_ONLY = new Set(['global', 'enableCSPNonces', 'hook'])
/**
 * The package defaults a limiter had when an option was not given (docs/internals/init-facts.md):
 * express-rate-limit 8 allows 5 per minute, @fastify/rate-limit 1000.
 */
const LIMIT_DEFAULTS: Record<string, { limit: number; windowMs: number }> = {
  'express-rate-limit': { limit: 5, windowMs: 60_000 },
  '@fastify/rate-limit': { limit: 1000, windowMs: 60_000 },
}
const REPLACED_BY: Record<string, string> = {
  helmet: 'security',
  cors: 'security.cors',
  'rate-limit': 'rateLimit',
  'request-logger': "kit's request logger (req.log, x-request-id)",
  terminus: "kit's health routes and graceful shutdown",
}

/** A string literal in the style of the generated file (single quotes). */
const quote = (value: string): string => `'${value.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`

const oneLine = (text: string): string => {
  const flat = text.replace(/\s+/g, ' ')
  return flat.length > 100 ? `${flat.slice(0, 97)}...` : flat
}

function tierName(m: FoundMiddleware, taken: Set<string>): string {
  const fromVariable = m.variable?.replace(/(rate)?limit(er)?$/i, '')
  const fromPath = m.path
    ?.split('/')
    .filter(Boolean)
    .pop()
    ?.replace(/[^a-zA-Z0-9]/g, '')
  let name = (fromVariable || fromPath || 'global').toLowerCase()
  if (m.path === undefined && !fromVariable) name = 'global'
  let unique = name
  for (let i = 2; taken.has(unique); i++) unique = `${name}${i}`
  taken.add(unique)
  return unique
}

/** What a tier takes as written besides its limit and window: express-rate-limit's names (docs/rate-limiting.md). */
const TIER_EXTRAS: ReadonlySet<string> = new Set(
  TIER_KEYS.filter((key) => !['perMinute', 'limit', 'max', 'windowMs', 'keyBy'].includes(key)),
)
/** @fastify/rate-limit's options with kit's meaning: its `keyGenerator(request)` is kit's `keyGenerator(req)`. */
const FASTIFY_TIER_EXTRAS: ReadonlySet<string> = new Set(['keyGenerator'])
/** @fastify/rate-limit's options kit covers another way. */
const FASTIFY_NOT_TAKEN: Readonly<Record<string, string>> = {
  redis: "kit's own store uses REDIS_URL: set it to share the counts between instances",
  global:
    "every route gets kit's global tier; a route without a limit takes `config: { kitRateLimit: false }`",
  allowList: 'use a tier `skip(req)` that returns true for those clients',
  errorResponseBuilder: 'use a tier `handler` or `message`',
}

/** One limiter as a kit tier: its limit and window, and express-rate-limit's options carried as written. */
function tierEntries(
  source: string,
  m: FoundMiddleware,
  name: string,
  indent: string,
): { entries: ConfigEntry[]; finding: Finding } {
  const { carried, leftOut } = carryOptions(source, m.options, indent)
  const entries: ConfigEntry[] = []
  const used: string[] = []
  const defaults = LIMIT_DEFAULTS[m.pkg] ?? LIMIT_DEFAULTS['express-rate-limit']!
  const plain = (key: string) => {
    const found = carried.find((p) => p.key === key)
    if (found && /Function|Method/.test(found.value.type)) {
      leftOut.push({ key, reason: 'a function: kit refuses a computed limit, define one tier per limit' })
      return undefined
    }
    return found
  }
  const limit = plain('limit') ?? plain('max')
  entries.push({ text: `limit: ${limit ? limit.valueText : defaults.limit}` })
  if (limit) used.push(limit.key)
  const windowMs = plain('windowMs')
  const timeWindow = plain('timeWindow')
  const timeWindowText = stringValue(timeWindow?.value)
  const window = windowMs
    ? windowMs.valueText
    : timeWindow && timeWindowText !== undefined
      ? String(parseDurationMs(timeWindowText) ?? defaults.windowMs)
      : timeWindow
        ? timeWindow.valueText
        : String(defaults.windowMs)
  entries.push({ text: `windowMs: ${window}` })
  if (windowMs) used.push('windowMs')
  if (timeWindow) used.push('timeWindow')
  const fastify = m.pkg === '@fastify/rate-limit'
  const extras = fastify ? FASTIFY_TIER_EXTRAS : TIER_EXTRAS
  const where = `rateLimit.tiers.${name}`
  for (const l of leftOut) {
    if (!l.line) continue
    // A value built from the app's own variables (`store: new RedisStore({ client })`): the line to move by hand.
    l.reason = `${l.reason}: add it to ${where} in kit.config with what it uses`
    if (l.key === 'store') l.reason += ", or drop it and set REDIS_URL (kit's own Redis store)"
  }
  for (const p of carried) {
    if (used.includes(p.key) || leftOut.some((l) => l.key === p.key)) continue
    if (extras.has(p.key)) {
      entries.push({ text: p.text })
      used.push(p.key)
      continue
    }
    const instead = fastify ? FASTIFY_NOT_TAKEN[p.key] : NOT_TAKEN_TIER_OPTIONS[p.key]
    leftOut.push({
      key: p.key,
      reason:
        instead ?? `no kit equivalent (${fastify ? '@fastify/rate-limit' : 'express-rate-limit'} option)`,
    })
  }
  return {
    entries,
    finding: { package: m.pkg, call: oneLine(m.call), becomes: 'rateLimit', carried: used, leftOut },
  }
}

/**
 * The knexfile as `kit release` will read it (@kit/migrate's reader, for
 * NODE_ENV=production): kit fills its migration settings in from it at every
 * run, so nothing is copied into kit.config (a copy would win over later
 * edits of the knexfile). What it says goes in the plan's notes.
 */
async function knexfileNotes(root: string): Promise<{ file?: string; notes: string[] }> {
  const path = findKnexfile(root)
  if (!path) return { notes: [] }
  const file = basename(path)
  try {
    const { settings, notices, knexfile } = await projectMigrations(root, {}, 'production')
    const read = [
      `migrations in ${settings.directory ?? 'migrations/'}`,
      `history table ${settings.tableName ?? 'knex_migrations'}`,
      ...(settings.schemaName ? [`schema ${settings.schemaName}`] : []),
    ].join(', ')
    return {
      file,
      notes: [
        `${file} found: kit release and kit migrate read it at every run (${knexfile?.environment ? `its ${knexfile.environment} entry` : 'as written'}: ${read}); keep it, nothing is copied into kit.config.`,
        ...notices,
      ],
    }
  } catch (error) {
    // Loading it runs the app's code: what fails here fails the same way in `kit release`.
    return {
      file,
      notes: [`${file} found, but kit release will stop on it as it is: ${(error as Error).message}`],
    }
  }
}

/** Maps what the entry file and the knexfile hold to kit.config sections. */
export async function planConfig(root: string, source: string, scan: EntryScan): Promise<ConfigPlan> {
  const findings: Finding[] = []
  const notes: string[] = []
  const security: ConfigEntry[] = []
  const cors: ConfigEntry[] = []
  const tiers: ConfigEntry[] = []
  const routes: ConfigEntry[] = []
  const taken = new Set<string>()
  for (const m of scan.middleware) {
    if (m.kind === 'helmet' && m.member) {
      // helmet.contentSecurityPolicy({...}) is helmet({ contentSecurityPolicy: {...} }).
      const { carried, leftOut } = carryOptions(source, m.options, INDENT.repeat(3))
      if (carried.length > 0)
        security.push({ key: m.member, entries: carried.map((p) => ({ text: p.text })) })
      findings.push({
        package: m.pkg,
        call: oneLine(m.call),
        becomes: `security.${m.member}`,
        carried: carried.map((p) => p.key),
        leftOut,
      })
    } else if (m.kind === 'helmet') {
      const { carried, leftOut } = carryOptions(source, m.options, INDENT.repeat(2))
      const kept = carried.filter((p) => !FASTIFY_HELMET_ONLY.has(p.key))
      for (const p of carried)
        if (FASTIFY_HELMET_ONLY.has(p.key)) leftOut.push({ key: p.key, reason: 'a @fastify/helmet switch' })
      security.push(...kept.map((p) => ({ text: p.text })))
      findings.push({
        package: m.pkg,
        call: oneLine(m.call),
        becomes: 'security',
        carried: kept.map((p) => p.key),
        leftOut,
      })
    } else if (m.kind === 'cors') {
      const { carried, leftOut } = carryOptions(source, m.options, INDENT.repeat(3))
      const kept = carried.filter((p) => CORS_KEYS.has(p.key))
      for (const p of carried)
        if (!CORS_KEYS.has(p.key)) leftOut.push({ key: p.key, reason: 'no kit equivalent' })
      // cors() with no origin answered every origin: kit allows none until told, so keep the app's behaviour visible.
      if (!kept.some((p) => p.key === 'origin') && !leftOut.some((l) => l.key === 'origin')) {
        cors.push(
          { comment: `${m.pkg} allowed every origin: narrow this to your front-ends` },
          { text: 'origin: true' },
        )
      }
      cors.push(...kept.map((p) => ({ text: p.text })))
      findings.push({
        package: m.pkg,
        call: oneLine(m.call),
        becomes: 'security.cors',
        carried: kept.map((p) => p.key),
        leftOut,
      })
    } else if (m.kind === 'rate-limit') {
      const name = tierName(m, taken)
      const { entries, finding } = tierEntries(source, m, name, INDENT.repeat(4))
      tiers.push({ key: name, entries })
      if (m.path !== undefined && name !== 'global') routes.push({ text: `${quote(m.path)}: ${quote(name)}` })
      findings.push({ ...finding, becomes: `rateLimit tier '${name}'${m.path ? ` on ${m.path}` : ''}` })
    } else {
      findings.push({
        package: m.pkg,
        call: oneLine(m.call),
        becomes: REPLACED_BY[m.kind] ?? m.kind,
        carried: [],
        leftOut: [],
      })
    }
  }
  const entryEdits: ConfigPlan['entryEdits'] = []
  // @fastify/rate-limit's per-route limits: kit leaves `config.rateLimit` alone (it is that plugin's key), so
  // with the plugin gone they would do nothing. Each becomes a tier, named on the route with kit's own key.
  for (const route of scan.routeLimits) {
    const value = route.property.value as AstNode
    const call = oneLine(route.call)
    if (value.type === 'BooleanLiteral' && value.value === false) {
      entryEdits.push({ start: route.property.start, end: route.property.end, text: 'kitRateLimit: false' })
      findings.push({
        package: '@fastify/rate-limit',
        call,
        becomes: `config.kitRateLimit: false on ${route.method} ${route.path} (no limit, as before)`,
        carried: ['rateLimit'],
        leftOut: [],
      })
      continue
    }
    const line = source.slice(route.property.start, route.property.end).replace(/\s+/g, ' ')
    if (value.type !== 'ObjectExpression') {
      notes.push(
        `${route.method} ${route.path} sets @fastify/rate-limit's \`${line}\`: kit leaves that key alone, so it no longer limits the route. Give it a tier in kit.config (rateLimit.tiers) and \`config: { kitRateLimit: '<tier>' }\`.`,
      )
      continue
    }
    const name = tierName({ kind: 'rate-limit', pkg: '@fastify/rate-limit', path: route.path, call }, taken)
    const m: FoundMiddleware = {
      kind: 'rate-limit',
      pkg: '@fastify/rate-limit',
      options: value,
      path: route.path,
      call,
    }
    const { entries: tier, finding } = tierEntries(source, m, name, INDENT.repeat(4))
    tiers.push({ key: name, entries: tier })
    entryEdits.push({
      start: route.property.start,
      end: route.property.end,
      text: `kitRateLimit: ${quote(name)}`,
    })
    findings.push({
      ...finding,
      becomes: `rateLimit tier '${name}', picked by config.kitRateLimit on ${route.method} ${route.path}`,
    })
  }
  if (findings.some((f) => f.package === '@fastify/rate-limit') || scan.routeLimits.length > 0) {
    notes.push(
      "Fastify routes pick a kit tier with `config: { kitRateLimit: '<tier>' }` (or `false` for none). kit leaves `config.rateLimit` alone: it is @fastify/rate-limit's key, and it does nothing once that plugin is gone. Check the routes in your other files.",
    )
  }
  const entries: ConfigEntry[] = []
  const builtin = new Set<string>(BUILTIN_NAMES)
  const envNames = scan.envNames.filter((name) => !builtin.has(name))
  if (envNames.length > 0) {
    entries.push({
      key: 'env',
      entries: [
        { comment: 'Read by your code: validated at start-up and listed in .env.example' },
        ...envNames.map((name) => ({ text: `${name}: z.string().optional()` })),
      ],
    })
  }
  if (cors.length > 0) security.push({ key: 'cors', entries: cors })
  if (security.length > 0) entries.push({ key: 'security', entries: security })
  if (tiers.length > 0) {
    entries.push({
      key: 'rateLimit',
      entries: [
        { key: 'tiers', entries: tiers },
        ...(routes.length > 0 ? [{ key: 'routes', entries: routes }] : []),
      ],
    })
  }
  // pino's options, from pino(), pinoHttp() (which makes its pino from them) or Fastify({ logger }): kit hands them to its pino.
  const loggerEntries = new Map<string, string>()
  for (const options of scan.loggerOptions) {
    for (const p of carryOptions(source, options, INDENT.repeat(2)).carried) {
      if (LOGGER_KEYS.has(p.key) && !loggerEntries.has(p.key)) loggerEntries.set(p.key, p.text)
    }
  }
  if (loggerEntries.size > 0) {
    entries.push({ key: 'logger', entries: [...loggerEntries.values()].map((text) => ({ text })) })
  }
  if (scan.trustProxy !== undefined) {
    notes.push(
      `The app trusted proxies with ${oneLine(scan.trustProxy)}: kit takes this from TRUST_PROXY (a hop count, IPs or CIDRs; the Heroku, Render and Fly presets set it). Set it in the deploy environment.`,
    )
  }
  const knex = await knexfileNotes(root)
  notes.push(...knex.notes)
  return { entries, findings, envNames, ...(knex.file ? { knexfile: knex.file } : {}), notes, entryEdits }
}
