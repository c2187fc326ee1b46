import { existsSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterEach, describe, expect, test } from 'vitest'
import { runKit } from './cli-helpers.ts'
import { copyFixture, type FixtureApp, gitLineCounts, type RunningApp, startApp } from './init-helpers.ts'

// `kit init` on three apps written the usual ways, end to end: plan, write,
// start the app, real requests, kit doctor, a second run. Production-like
// environment: behind a trusted proxy that terminates TLS.
const PRODUCTION = {
  NODE_ENV: 'production',
  TRUST_PROXY: '127.0.0.1',
  LOAD_SHEDDING_ENABLED: 'false',
}
// A deploy's environment for kit doctor: the findings left are about the app, not a missing service.
const DEPLOY_ENV = {
  ...PRODUCTION,
  DATABASE_URL: 'postgres://postgres@127.0.0.1:5432/kit_init_doctor',
  APP_URL: 'https://app.example.com',
}
const VIA_PROXY = { 'x-forwarded-proto': 'https' }

interface Case {
  fixture: string
  entry: string
  framework: 'express' | 'fastify'
  configFile: string
  found: string[]
  requests: { path: string; method?: string; body?: unknown }[]
  /** What the carried-over options look like on the wire. */
  carried(url: string): Promise<void>
}

async function fetchText(
  url: string,
  init: RequestInit = {},
): Promise<{ status: number; body: string; headers: Headers }> {
  const res = await fetch(url, {
    ...init,
    headers: { ...VIA_PROXY, ...(init.headers as object) },
    signal: AbortSignal.timeout(10_000),
  })
  return { status: res.status, body: await res.text(), headers: res.headers }
}

async function answers(url: string, requests: Case['requests']) {
  const results = []
  for (const r of requests) {
    const res = await fetchText(`${url}${r.path}`, {
      method: r.method ?? 'GET',
      ...(r.body !== undefined
        ? { body: JSON.stringify(r.body), headers: { 'content-type': 'application/json' } }
        : {}),
    })
    results.push({ path: r.path, status: res.status, body: res.body })
  }
  return results
}

async function corsAllows(url: string, path: string, credentials: boolean): Promise<void> {
  const res = await fetchText(`${url}${path}`, { headers: { origin: 'https://app.example.com' } })
  expect(res.headers.get('access-control-allow-origin')).toBe('https://app.example.com')
  if (credentials) expect(res.headers.get('access-control-allow-credentials')).toBe('true')
  const other = await fetchText(`${url}${path}`, { headers: { origin: 'https://evil.example' } })
  expect(other.headers.get('access-control-allow-origin')).toBeNull()
}

const CASES: Case[] = [
  {
    fixture: 'init-express-cjs',
    entry: 'src/server.js',
    framework: 'express',
    configFile: 'kit.config.js',
    found: ['pino-http', 'helmet', 'cors', 'express-rate-limit'],
    requests: [{ path: '/hello' }, { path: '/api/echo', method: 'POST', body: { note: 'hi' } }],
    async carried(url) {
      const res = await fetchText(`${url}/hello`)
      expect(res.headers.get('referrer-policy')).toBe('no-referrer')
      expect(res.headers.get('content-security-policy')).toContain("img-src 'self' data:")
      await corsAllows(url, '/hello', true)
      const api = await fetchText(`${url}/api/echo`, {
        method: 'POST',
        body: '{}',
        headers: { 'content-type': 'application/json' },
      })
      // The limiter's `standardHeaders: 'draft-7'` moved to the tier: the app's headers, as before.
      expect(api.headers.get('ratelimit-policy')).toBe('100;w=900')
      expect(api.headers.get('ratelimit')).toMatch(/^limit=100, remaining=\d+, reset=\d+$/)
    },
  },
  {
    fixture: 'init-fastify-esm',
    entry: 'server.js',
    framework: 'fastify',
    configFile: 'kit.config.js',
    found: ['@fastify/helmet', '@fastify/cors', '@fastify/rate-limit'],
    requests: [{ path: '/hello' }, { path: '/items/42' }],
    async carried(url) {
      const res = await fetchText(`${url}/hello`)
      expect(res.headers.get('cross-origin-resource-policy')).toBe('same-site')
      await corsAllows(url, '/hello', false)
      expect(res.headers.get('ratelimit-policy')).toMatch(/q=200;w=60/)
    },
  },
  {
    fixture: 'init-express-ts',
    entry: 'src/index.ts',
    framework: 'express',
    configFile: 'src/kit.config.ts',
    found: ['morgan', 'helmet'],
    requests: [{ path: '/hello' }, { path: '/notes/count' }],
    async carried(url) {
      // helmet() had no options: kit's defaults, stricter than helmet's.
      const res = await fetchText(`${url}/hello`)
      expect(res.headers.get('content-security-policy')).toContain("default-src 'none'")
    },
  },
]

let app: FixtureApp | undefined
let running: RunningApp | undefined
afterEach(async () => {
  await running?.stop()
  running = undefined
  app?.remove()
  app = undefined
})

describe.each(CASES)('kit init on $fixture', (c) => {
  test('plans without writing, writes, and the app answers as before with kit in front', {
    timeout: 240_000,
  }, async () => {
    app = copyFixture(c.fixture)
    const { dir } = app

    // The app as it was: what its routes answer.
    running = await startApp(dir, c.entry, PRODUCTION, /listening|ready/i)
    const before = await answers(running.url, c.requests)
    await running.stop()
    running = undefined
    expect(before.every((r) => r.status === 200)).toBe(true)

    // Dry run: the plan, and not one byte written.
    const original = app.snapshot()
    const dry = await runKit(['init'], { cwd: dir })
    expect(dry.stderr).toBe('')
    expect(dry.code).toBe(0)
    expect(dry.stdout).toContain('Dry run: nothing written')
    expect(dry.stdout).toContain(`Would create ${c.configFile}`)
    expect(dry.stdout).toContain(`--- a/${c.entry}`)
    expect(app.snapshot()).toEqual(original)

    const json = await runKit(['init', '--json'], { cwd: dir })
    expect(json.code).toBe(0)
    const plan = JSON.parse(json.stdout)
    expect(plan.project).toMatchObject({ framework: c.framework, entry: c.entry })
    expect(plan.found.map((f: { package: string }) => f.package)).toEqual(c.found)
    expect(plan.changes).toBe(true)
    expect(plan.written).toBe(false)
    expect(plan.files.find((f: { path: string }) => f.path === c.configFile)).toMatchObject({
      action: 'create',
    })
    expect(plan.files.find((f: { path: string }) => f.path === c.entry)).toMatchObject({ action: 'update' })
    expect(app.snapshot()).toEqual(original)

    // --write: the files, and the edit the plan showed.
    const write = await runKit(['init', '--write'], { cwd: dir })
    expect(write.code).toBe(0)
    expect(write.stdout).toContain('Written.')
    for (const file of [c.configFile, '.env.example', 'Procfile', '.gitignore'])
      expect(existsSync(join(dir, file))).toBe(true)
    expect(readFileSync(join(dir, 'Procfile'), 'utf8')).toMatch(/^release: kit release$/m)
    expect(readFileSync(join(dir, '.gitignore'), 'utf8')).toMatch(/^\.kit\/$/m)
    const written = app.snapshot()
    expect(written[c.entry]).not.toBe(original[c.entry])

    // Lines changed in the app's own files, counted by git: written (added or rewritten) and removed.
    let added = 0
    let removed = 0
    for (const file of Object.keys(original)) {
      if (original[file] === written[file]) continue
      const counts = await gitLineCounts(join(fixtureDir(c.fixture), file), join(dir, file))
      added += counts.added
      removed += counts.removed
    }
    console.log(
      `kit init on ${c.fixture}: ${added} lines added or rewritten, ${removed} removed in the app's own files (kit's plan: ${plan.linesChanged} written, ${plan.linesRemoved} removed)`,
    )
    expect(added).toBe(plan.linesChanged)
    expect(added).toBeLessThanOrEqual(10)

    // The app starts, its routes answer as before, with kit's headers and health routes.
    // kit's start-up line names the framework it found.
    running = await startApp(dir, c.entry, PRODUCTION, `"framework":"${c.framework}"`)
    expect(await answers(running.url, c.requests)).toEqual(before)
    const hello = await fetchText(`${running.url}${c.requests[0]!.path}`)
    expect(hello.headers.get('x-request-id')).toMatch(/\S/)
    expect(hello.headers.get('content-security-policy')).toMatch(/default-src|script-src/)
    expect(hello.headers.get('strict-transport-security')).toMatch(/max-age=\d+/)
    expect(hello.headers.get('x-powered-by')).toBeNull()
    const health = await fetchText(`${running.url}/health/live`)
    expect(health.status).toBe(200)
    // Plain HTTP in production is sent to HTTPS: kit's redirect, not the app's routes.
    const plain = await fetch(`${running.url}/hello`, {
      redirect: 'manual',
      signal: AbortSignal.timeout(10_000),
    })
    expect(plain.status).toBe(301)
    await c.carried(running.url)
    await running.stop()
    running = undefined

    // kit doctor: no error-level finding for the app as init left it.
    const doctor = await runKit(['doctor', '--json'], { cwd: dir, env: DEPLOY_ENV })
    const report = JSON.parse(doctor.stdout)
    const errors = report.results.filter(
      (r: { status: string; severity: string }) =>
        r.status === 'fail' && ['critical', 'high'].includes(r.severity),
    )
    expect(errors).toEqual([])
    expect(doctor.code).toBe(0)

    // A second run changes nothing, and says so.
    const again = await runKit(['init', '--write'], { cwd: dir })
    expect(again.code).toBe(0)
    expect(again.stdout).toContain('Nothing to change')
    expect(app.snapshot()).toEqual(written)
  })
})

const fixtureDir = (name: string): string => join(import.meta.dirname, 'fixtures', name)
