import { existsSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { BUILTIN_NAMES } from '@kit/env'
import { parseDurationMs } from '@kit/internal'
import { PASSED_TO_PINO } from '@kit/logger'
import { carryOptions, type LeftOut } from './carry-options.ts'
import { type AstNode, parseSource, stringValue, walk } from './parse-source.ts'
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

/** `limit`/`max` and `windowMs`/`timeWindow` of one limiter, as kit tier properties. */
function tierEntries(
  source: string,
  m: FoundMiddleware,
  indent: string,
): { entries: ConfigEntry[]; finding: Finding } {
  const { carried, leftOut } = carryOptions(source, m.options, indent)
  const entries: ConfigEntry[] = []
  const used: string[] = []
  const defaults = LIMIT_DEFAULTS[m.pkg] ?? LIMIT_DEFAULTS['express-rate-limit']!
  const plain = (key: string) => {
    const found = carried.find((p) => p.key === key)
    if (found && /Function|Method/.test(found.value.type)) {
      leftOut.push({ key, reason: 'a function (a kit tier takes a number)' })
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
  const store = leftOut.find((l) => l.key === 'store')
  if (store) store.reason = 'kit keeps its own store: set REDIS_URL to share the counts between instances'
  for (const p of carried) {
    if (!used.includes(p.key) && !leftOut.some((l) => l.key === p.key)) {
      leftOut.push({ key: p.key, reason: 'no kit equivalent yet (see docs/rate-limiting.md)' })
    }
  }
  return {
    entries,
    finding: { package: m.pkg, call: oneLine(m.call), becomes: 'rateLimit', carried: used, leftOut },
  }
}

async function knexMigrations(root: string): Promise<{ file?: string; entries: ConfigEntry[] }> {
  const file = ['knexfile.ts', 'knexfile.js', 'knexfile.cjs', 'knexfile.mjs'].find((f) =>
    existsSync(join(root, f)),
  )
  if (!file) return { entries: [] }
  const program = await parseSource(readFileSync(join(root, file), 'utf8'), file)
  const entries: ConfigEntry[] = []
  walk(program, (node: AstNode) => {
    if (entries.length > 0 || node.type !== 'ObjectProperty' || node.key?.name !== 'migrations') return
    if (node.value.type !== 'ObjectExpression') return
    for (const p of node.value.properties as AstNode[]) {
      const value = stringValue(p.value)
      if ((p.key?.name === 'directory' || p.key?.name === 'tableName') && value !== undefined) {
        entries.push({ text: `${p.key.name}: ${quote(value.replace(/^\.\//, ''))}` })
      }
    }
  })
  return { file, entries }
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
      const { entries, finding } = tierEntries(source, m, INDENT.repeat(4))
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
  const knex = await knexMigrations(root)
  if (knex.file) {
    notes.push(`${knex.file} found: kit release and kit migrate run the migrations it points at.`)
    if (knex.entries.length > 0) entries.push({ key: 'migrations', entries: knex.entries })
  }
  return { entries, findings, envNames, ...(knex.file ? { knexfile: knex.file } : {}), notes }
}
