import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { type EnvelopeServer, startEnvelopeServer } from './helpers/envelope-server.ts'
import { exitWithin, PRELOAD, type RunningFixture, spawnFixture, startFixture } from './helpers/fixture.ts'

// Preloads that record every module loaded through the ES module loader, or
// make @sentry/node impossible to resolve (an app that never installed it).
const RECORD = ['--import', './test/fixtures/record-loads.mjs']
const BLOCK = ['--import', './test/fixtures/block-sentry.mjs']

const dir = mkdtempSync(join(tmpdir(), 'kit-sentry-loads-'))
let sentry: EnvelopeServer

beforeAll(async () => {
  sentry = await startEnvelopeServer()
})

afterAll(async () => {
  await sentry?.close()
  rmSync(dir, { recursive: true, force: true })
})

async function loadedBy(
  name: string,
  env: NodeJS.ProcessEnv,
  extraArgv: string[] = [],
): Promise<{ urls: string[]; status: any }> {
  const log = join(dir, `${name}.log`)
  const app = await startFixture('express', {
    env: { ...env, KIT_LOAD_LOG: log },
    execArgv: [...extraArgv, ...RECORD, ...PRELOAD],
  })
  try {
    const res = await fetch(`${app.url}/loaded`, { signal: AbortSignal.timeout(10_000) })
    return { urls: readFileSync(log, 'utf8').split('\n').filter(Boolean), status: await res.json() }
  } finally {
    await app.stop()
  }
}

describe('without SENTRY_DSN', () => {
  it('runs the preload but loads nothing from @sentry, and starts when @sentry/node is not installed', {
    timeout: 90_000,
  }, async () => {
    // @sentry/node is made unresolvable too: any attempt to load it would fail the start.
    const { urls, status } = await loadedBy('no-dsn', { SENTRY_DSN: '' }, BLOCK)
    expect(urls.some((url) => url.endsWith('/packages/sentry/src/instrument.ts'))).toBe(true)
    expect(urls.filter((url) => url.includes('/@sentry/'))).toEqual([])
    expect(status).toEqual({ sentryInitialised: false, sentryModules: [] })
  })
})

describe('with SENTRY_DSN', () => {
  // One app process for the next two tests: its load log, then its crash.
  let app: RunningFixture
  const log = join(dir, 'dsn.log')

  beforeAll(async () => {
    app = await startFixture('express', {
      env: { SENTRY_DSN: sentry.dsn, KIT_LOAD_LOG: log },
      execArgv: [...RECORD, ...PRELOAD],
    })
  })

  afterAll(async () => {
    await app?.stop()
  })

  it('loads @sentry/node in the preload, before the app and its framework', async () => {
    const res = await fetch(`${app.url}/loaded`, { signal: AbortSignal.timeout(10_000) })
    expect(((await res.json()) as { sentryInitialised: boolean }).sentryInitialised).toBe(true)
    const urls = readFileSync(log, 'utf8').split('\n')
    const appModule = urls.findIndex((url) => url.endsWith('/test/fixtures/express-app.ts'))
    // The preload require()s the SDK synchronously while it evaluates, so the
    // preload coming first means Sentry started before the app and its framework.
    const preload = urls.findIndex((url) => url.endsWith('/packages/sentry/src/instrument.ts'))
    expect(preload).toBeGreaterThan(-1)
    expect(appModule).toBeGreaterThan(preload)
    // Loader hooks see the SDK's own modules only in some set-ups (a require(esm) made
    // inside a preload is invisible to them); when they do, they come before the app.
    const firstSentry = urls.findIndex((url) => url.includes('/@sentry/'))
    if (firstSentry !== -1) expect(appModule).toBeGreaterThan(firstSentry)
  })

  it('sends an uncaught exception before the process dies', async () => {
    await fetch(`${app.url}/crash-later`, { signal: AbortSignal.timeout(10_000) })
    const exit = await exitWithin(app.proc, 30_000)
    expect(exit.code).toBe(1)
    const crash = sentry
      .events()
      .find((e) => e.exception?.values?.[0]?.value === 'crashed outside any request')
    expect(crash?.exception.values[0].mechanism).toMatchObject({ handled: false })
    expect(crash?.level).toBe('fatal')
  })

  it('stops the start with KIT_SENTRY_SDK_MISSING when @sentry/node is not installed', {
    timeout: 90_000,
  }, async () => {
    const proc = spawnFixture('express', {
      env: { SENTRY_DSN: sentry.dsn },
      execArgv: [...BLOCK, ...PRELOAD],
    })
    const exit = await exitWithin(proc, 60_000)
    expect(exit.code).toBe(1)
    expect(proc.stderr()).toContain('KIT_SENTRY_SDK_MISSING')
    expect(proc.stderr()).toContain('npm install @sentry/node')
    expect(proc.stderr() + proc.stdout()).not.toContain(sentry.dsn)
    expect(proc.stdout()).not.toContain('listening')
  })
})
