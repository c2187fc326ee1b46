/**
 * A fast-check pass over what the outside world feeds kit:
 * - env parsing: loadEnv() over random values of every built-in variable and
 *   an app schema; only a KitError may escape, and its message never holds
 *   the DATABASE_URL password;
 * - origin matching: random allow-lists (only KitError) and random origins
 *   against a fixed matcher (never throws; a match is an allowed origin or a
 *   whole-label subdomain of the pattern, never a look-alike);
 * - CSP report parsing: random bodies and content types POSTed to the report
 *   endpoint of running productionize() apps, Express and Fastify: never a 500;
 * - flag rules: random FEATURE_FLAGS states (rules, rollouts, weights,
 *   lists) and random evaluation contexts: only KitError at creation, no
 *   exception at evaluation.
 *
 *   node bench/run.mjs reliability fuzz   (FUZZ_SEED, FUZZ_SCALE=1 for the run counts)
 */
import type { AddressInfo } from 'node:net'
import { fastifyOptions, productionize } from '@kit/core'
import { BUILTIN_NAMES, bool, int, list, loadEnv, url } from '@kit/env'
import { createFlags } from '@kit/flags'
import { clearKnownSecrets, isKitError } from '@kit/internal'
import { createSecurity } from '@kit/security'
import express from 'express'
import fc from 'fast-check'
import Fastify from 'fastify'
import { pino } from 'pino'
import { deadline, verdict } from './lib.ts'

deadline('fuzz', 280_000)
const SEED = Number(process.env.FUZZ_SEED ?? Date.now() % 2 ** 31)
const SCALE = Number(process.env.FUZZ_SCALE ?? 1)
const runs = (n: number) => Math.max(1, Math.round(n * SCALE))

/** Text as it arrives from outside: anything, including lone surrogates, control characters and huge runs. */
const anyText = fc.oneof(
  fc.string(),
  fc.string({ unit: 'binary' }),
  fc.constantFrom('', ' ', 'true', 'false', '0', '-1', '1e309', 'NaN', '*', 'null', '{}', '[]', '%', '%zz'),
  fc.string({ unit: 'grapheme-ascii', minLength: 1000, maxLength: 5000 }),
)

interface Outcome {
  name: string
  runs: number
  ms: number
  failure: string | undefined
}

function check(name: string, property: fc.IProperty<any> | fc.IAsyncProperty<any>, numRuns: number) {
  const started = Date.now()
  return Promise.resolve(fc.check(property as fc.IAsyncProperty<any>, { numRuns, seed: SEED })).then(
    (details): Outcome => ({
      name,
      runs: details.numRuns,
      ms: Date.now() - started,
      failure: details.failed
        ? `${String(details.errorInstance ?? 'property false').slice(0, 300)} on ${fc.stringify(details.counterexample).slice(0, 300)}`
        : undefined,
    }),
  )
}

const onlyKitError = (run: () => unknown): boolean => {
  try {
    run()
  } catch (error) {
    if (!isKitError(error)) throw error
  }
  return true
}

// --- env ------------------------------------------------------------------------------------
const appSchema = {
  APP_PORT: int({ min: 1 }),
  APP_FLAG: bool(),
  APP_HOSTS: list(),
  APP_API: url().optional(),
}
const envCase = fc.record({
  values: fc.dictionary(
    fc.constantFrom(...BUILTIN_NAMES, 'APP_PORT', 'APP_FLAG', 'APP_HOSTS', 'APP_API', 'KIT_PRESET', 'DYNO'),
    anyText,
  ),
  nodeEnv: fc.constantFrom('production', 'development', 'test', undefined, 'staging'),
  password: fc.stringMatching(/^[A-Za-z0-9]{12,24}$/),
  badPort: fc.boolean(),
})
const envProperty = fc.property(envCase, ({ values, nodeEnv, password, badPort }) => {
  const source: Record<string, string | undefined> = { ...values, NODE_ENV: nodeEnv }
  // A real-looking DATABASE_URL whose password must never show up in an error message.
  source.DATABASE_URL = `postgres://app:${password}@db.example.com:${badPort ? '99999' : '5432'}/app`
  try {
    loadEnv({ schema: appSchema, source, dotenv: false })
  } catch (error) {
    if (!isKitError(error)) throw error
    if (error.message.includes(password)) throw new Error('the DATABASE_URL password is in the error message')
  } finally {
    // Each load registers its secrets for scrubbing by value, process-wide: thousands of loads would make
    // every later redaction scan thousands of secrets (a process normally loads its env once).
    clearKnownSecrets()
  }
  return true
})

// --- origins --------------------------------------------------------------------------------
const originLike = fc.oneof(
  anyText,
  fc.webUrl().map((u) => new URL(u).origin),
  fc.domain().map((d) => `https://${d}`),
  fc.domain().map((d) => `https://*.${d}`),
  fc
    .tuple(fc.constantFrom('http', 'https', 'HTTPS', 'ftp'), fc.domain(), fc.integer({ min: -1, max: 70000 }))
    .map(([s, d, p]) => `${s}://${d}:${p}`),
)
const allowListProperty = fc.property(
  fc.array(originLike, { maxLength: 6 }),
  fc.boolean(),
  (origins, credentials) =>
    onlyKitError(() =>
      createSecurity({ cors: { origins, credentials } }, { env: { NODE_ENV: 'production' } }),
    ),
)
const matcher = createSecurity(
  { cors: { origins: ['https://app.example.com', 'https://*.example.com'] } },
  { env: { NODE_ENV: 'production' } },
).config.cors!.origins
const SUBDOMAIN = /^https:\/\/([a-z0-9]([a-z0-9-]*[a-z0-9])?\.)+example\.com$/
const lookAlike = fc.oneof(
  originLike,
  fc.domain().map((d) => `https://${d}.example.com`),
  fc.domain().map((d) => `https://example.com.${d}`),
  fc.domain().map((d) => `https://${d.replace(/\./g, '-')}-example.com`),
  fc.domain().map((d) => `https://${d}.example.com:8443`),
  fc.domain().map((d) => `http://${d}.example.com`),
)
const matchProperty = fc.property(lookAlike, (origin) => {
  const matched = matcher.matches(origin)
  if (matched && origin !== 'https://app.example.com' && !SUBDOMAIN.test(origin))
    throw new Error(`matched ${origin}, which is not allowed`)
  return true
})

// --- CSP reports ----------------------------------------------------------------------------
const reportKeys = fc.constantFrom(
  'document-uri',
  'blocked-uri',
  'violated-directive',
  'effective-directive',
  'original-policy',
  'source-file',
  'line-number',
  'column-number',
  'script-sample',
  'disposition',
  'documentURL',
  'blockedURL',
  'effectiveDirective',
  'sourceFile',
  'lineNumber',
  '__proto__',
  'constructor',
)
// Well-formed reports whose fields hold anything: these reach the parser's field handling, not just JSON.parse.
const fieldValue = fc.oneof(anyText, fc.webUrl(), fc.integer(), fc.jsonValue())
const wellFormed = fc.oneof(
  fc
    .record({
      'document-uri': fieldValue,
      'blocked-uri': fieldValue,
      'violated-directive': fieldValue,
      'effective-directive': fieldValue,
      'source-file': fieldValue,
      'line-number': fieldValue,
      'script-sample': fieldValue,
    })
    .map((r) => JSON.stringify({ 'csp-report': r })),
  fc
    .array(
      fc.record({
        type: fc.constant('csp-violation'),
        url: fieldValue,
        body: fc.record({
          documentURL: fieldValue,
          blockedURL: fieldValue,
          effectiveDirective: fieldValue,
          disposition: fieldValue,
          sourceFile: fieldValue,
          lineNumber: fieldValue,
          sample: fieldValue,
        }),
      }),
      { minLength: 1, maxLength: 60 },
    )
    .map((a) => JSON.stringify(a)),
)
const reportBody = fc.oneof(
  { arbitrary: wellFormed, weight: 3 },
  anyText,
  fc.json(),
  fc.dictionary(reportKeys, fc.jsonValue()).map((r) => JSON.stringify({ 'csp-report': r })),
  fc
    .array(
      fc.record(
        {
          type: fc.oneof(fc.constant('csp-violation'), fc.string()),
          url: fc.jsonValue(),
          body: fc.oneof(fc.dictionary(reportKeys, fc.jsonValue()), fc.jsonValue()),
        },
        { requiredKeys: [] },
      ),
      { maxLength: 80 },
    )
    .map((a) => JSON.stringify(a)),
)
const contentType = fc.oneof(
  { arbitrary: fc.constantFrom('application/csp-report', 'application/reports+json'), weight: 3 },
  fc.constantFrom(
    'application/csp-report',
    'application/reports+json',
    'application/json',
    'application/json; charset=utf-8',
    'text/plain',
    'APPLICATION/CSP-REPORT',
  ),
  fc.stringMatching(/^[\x20-\x7e]{0,60}$/),
)

async function startReportApps(): Promise<{ name: string; url: string; close(): Promise<unknown> }[]> {
  const config = {
    envSource: { NODE_ENV: 'production', FORCE_HTTPS: 'false', RATE_LIMIT_PER_MINUTE: '1000000000' },
    logger: { destination: pino.destination({ dest: '/dev/null', sync: true }) },
  }
  const ex = express()
  const exKit = await productionize(ex, config)
  ex.get('/hello', (_req, res) => {
    res.send('hello')
  })
  const exServer = await exKit.listen({ port: 0, host: '127.0.0.1' })
  const fa = Fastify(fastifyOptions(config))
  const faKit = await productionize(fa, config)
  fa.get('/hello', async () => 'hello')
  const faServer = await faKit.listen({ port: 0, host: '127.0.0.1' })
  const at = (s: typeof exServer) => `http://127.0.0.1:${(s.address() as AddressInfo).port}`
  return [
    { name: 'express', url: at(exServer), close: () => exKit.shutdown() },
    { name: 'fastify', url: at(faServer), close: () => faKit.shutdown() },
  ]
}

const statuses = new Map<number, number>()
function reportProperty(base: string) {
  return fc.asyncProperty(reportBody, contentType, async (body, type) => {
    const res = await fetch(`${base}/_kit/csp-report`, {
      method: 'POST',
      headers: { 'content-type': type },
      body,
      signal: AbortSignal.timeout(10_000),
    })
    await res.arrayBuffer()
    statuses.set(res.status, (statuses.get(res.status) ?? 0) + 1)
    if (res.status >= 500) throw new Error(`answered ${res.status}`)
    return true
  })
}

// --- flags ----------------------------------------------------------------------------------
const FLAG_DEFS = {
  on: { default: false },
  copy: { default: 'a', variants: ['a', 'b', 'c'] },
  limit: { default: 10 },
} as const
const ruleText = fc.oneof(
  anyText,
  fc
    .tuple(
      fc.stringMatching(/^[A-Za-z_][A-Za-z0-9_.-]{0,12}$/),
      fc.constantFrom('in', 'not in', 'NOT IN', '=', '!=', 'in in', ''),
      fc.array(fc.oneof(fc.string(), fc.json()), { maxLength: 4 }),
    )
    .map(([a, op, vs]) =>
      op.includes('in') ? `${a} ${op} [${vs.join(', ')}]` : `${a} ${op} ${vs[0] ?? ''}`,
    ),
  fc.record(
    { attribute: fc.jsonValue(), operator: fc.jsonValue(), values: fc.jsonValue() },
    { requiredKeys: [] },
  ),
)
const flagState = fc.oneof(
  fc.jsonValue(),
  fc.record(
    {
      enabled: fc.jsonValue(),
      value: fc.jsonValue(),
      allow: fc.oneof(fc.array(fc.jsonValue(), { maxLength: 5 }), fc.jsonValue()),
      deny: fc.array(fc.jsonValue(), { maxLength: 5 }),
      rules: fc.oneof(fc.array(ruleText, { maxLength: 4 }), fc.jsonValue()),
      rollout: fc.oneof(fc.double(), fc.integer({ min: -10, max: 110 }), fc.jsonValue()),
      stickiness: fc.oneof(fc.constant('userId'), fc.string()),
      weights: fc.oneof(fc.dictionary(fc.constantFrom('a', 'b', 'c', 'd', ''), fc.double()), fc.jsonValue()),
    },
    { requiredKeys: [] },
  ),
)
const evaluationContext = fc.record(
  {
    userId: fc.oneof(fc.string(), fc.integer(), fc.double(), fc.constant(undefined)),
    attributes: fc.dictionary(fc.string(), fc.oneof(fc.jsonValue(), fc.array(fc.jsonValue()))),
  },
  { requiredKeys: [] },
)
const flagsProperty = fc.asyncProperty(
  fc.dictionary(fc.constantFrom('on', 'copy', 'limit', 'unknown'), flagState),
  fc.dictionary(fc.constantFrom('FLAG_ON', 'FLAG_COPY', 'FLAG_LIMIT', 'FLAG_NOPE'), anyText),
  fc.array(evaluationContext, { maxLength: 5 }),
  async (states, singles, contexts) => {
    let flags: ReturnType<typeof createFlags<typeof FLAG_DEFS>>
    try {
      flags = createFlags(
        FLAG_DEFS,
        { file: false, invalidation: 'poll' },
        { env: { NODE_ENV: 'production', FEATURE_FLAGS: JSON.stringify(states), ...singles } },
      )
      await flags.start()
    } catch (error) {
      if (!isKitError(error)) throw error
      return true
    }
    try {
      for (const context of contexts) {
        flags.isEnabled('on', context as never)
        flags.variant('copy', context as never)
        flags.evaluate('limit', context as never)
        flags.forRequest(context as never).isEnabled('copy')
      }
    } finally {
      await flags.close()
    }
    return true
  },
)

// --- run --------------------------------------------------------------------------------------
const outcomes: Outcome[] = []
outcomes.push(await check('env', envProperty, runs(3000)))
outcomes.push(await check('allow-lists', allowListProperty, runs(3000)))
outcomes.push(await check('origin matching', matchProperty, runs(5000)))
outcomes.push(await check('flags', flagsProperty, runs(1500)))
const apps = await startReportApps()
try {
  for (const app of apps) {
    outcomes.push(await check(`CSP reports (${app.name})`, reportProperty(app.url), runs(300)))
    const alive = await fetch(`${app.url}/hello`).then((r) => r.status)
    if (alive !== 200)
      outcomes.push({ name: `${app.name} after the reports`, runs: 1, ms: 0, failure: `GET /hello ${alive}` })
  }
} finally {
  for (const app of apps) await app.close()
}
for (const o of outcomes) if (o.failure) process.stderr.write(`${o.name}: ${o.failure}\n`)
verdict(
  'fuzz',
  outcomes.every((o) => !o.failure),
  `seed ${SEED}; ${outcomes.map((o) => `${o.name} ${o.runs} runs in ${(o.ms / 1000).toFixed(1)} s${o.failure ? ' FAILED' : ''}`).join(', ')}; CSP report answers ${[
    ...statuses,
  ]
    .sort((a, b) => a[0] - b[0])
    .map(([s, n]) => `${s}×${n}`)
    .join(' ')}`,
)
process.exit(0)
