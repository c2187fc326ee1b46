// End to end, as an operator runs it: each example app in production mode as
// its own process, on a throwaway Postgres with its migrations applied, behind
// a local TLS terminator whose CA is generated with openssl. `kit doctor` and
// `kit audit` run as their own processes too (the audit trusts the CA through
// NODE_EXTRA_CA_CERTS). The same apps are audited in local mode too, on their
// plain port with no certificate set-up, and must get the same grade and
// findings. A deliberately weakened app fails both with the ids the
// reference names. The three apps start together and the CLI runs
// overlap, so the file costs about one app start plus one CLI run.
import { randomBytes } from 'node:crypto'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { CheckResult } from '@kit/doctor'
import { migrateUp } from '@kit/migrate'
import {
  createPostgresDatabase,
  freePort,
  type SpawnedProcess,
  spawnTs,
  type TestDatabase,
  WORKSPACE_ROOT,
} from '@kit/test-utils'
import knex from 'knex'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createCertificates, type TestCertificates } from './support/tls.ts'
import { startTlsProxy, type TlsProxy } from './support/tls-proxy.ts'

const KIT_BIN = join(WORKSPACE_ROOT, 'packages', 'core', 'src', 'cli', 'bin.ts')
const WEAK_APP = join(import.meta.dirname, 'fixtures', 'weak-app')
const EXAMPLES = ['express-app', 'fastify-app'] as const

interface CliRun {
  code: number | null
  json: {
    ok: boolean
    results: CheckResult[]
    observatory?: { score: number; grade: string; algorithm: number }
  }
}

async function kitCli(args: string[], options: { cwd?: string; env: NodeJS.ProcessEnv }): Promise<CliRun> {
  const child = spawnTs(KIT_BIN, [...args, '--json'], options)
  const timer = setTimeout(() => child.child.kill('SIGKILL'), 90_000)
  const { code } = await child.exited
  clearTimeout(timer)
  try {
    return { code, json: JSON.parse(child.stdout()) }
  } catch {
    throw new Error(`kit ${args[0]} printed no JSON (exit ${code}):\n${child.stdout()}\n${child.stderr()}`)
  }
}

const failed = (run: CliRun) => run.json.results.filter((r) => r.status === 'fail')
const errorsOf = (run: CliRun) =>
  failed(run).filter((r) => r.severity === 'critical' || r.severity === 'high')
const ids = (results: readonly CheckResult[]) => results.map((r) => r.id)

interface RunningApp {
  app: SpawnedProcess
  /** The app's own plain-HTTP address (local mode audits it). */
  url: string
  proxy: TlsProxy
  env: NodeJS.ProcessEnv
  cwd: string
  cleanup(): Promise<void>
}

async function waitReady(url: string, app: SpawnedProcess): Promise<void> {
  const deadline = Date.now() + 60_000
  while ((await fetch(url).catch(() => undefined))?.status !== 200) {
    if (app.child.exitCode !== null || Date.now() > deadline)
      throw new Error(`never ready:\n${app.stdout().slice(-2000)}\n${app.stderr().slice(-2000)}`)
    await new Promise((r) => setTimeout(r, 100))
  }
}

async function stop(app: SpawnedProcess): Promise<void> {
  if (app.child.exitCode !== null || app.child.signalCode !== null) return
  app.child.kill('SIGTERM')
  const timer = setTimeout(() => app.child.kill('SIGKILL'), 10_000)
  await app.exited
  clearTimeout(timer)
}

/** An example app on its own database, migrated, in production mode behind the TLS terminator. */
async function startExample(name: (typeof EXAMPLES)[number], certs: TestCertificates): Promise<RunningApp> {
  const cwd = join(WORKSPACE_ROOT, 'examples', name)
  const scratch = mkdtempSync(join(tmpdir(), `kit-doctor-${name}-`))
  const db: TestDatabase = await createPostgresDatabase(`doctor_${name.replace('-', '_')}`)
  const connection = knex({ client: 'pg', connection: db.url })
  await migrateUp({ knex: connection, directory: join(cwd, 'migrations') })
  await connection.destroy()
  const port = await freePort()
  const proxy = await startTlsProxy(port, certs)
  const env = {
    NODE_ENV: 'production',
    PORT: String(port),
    HOST: '127.0.0.1',
    TRUST_PROXY: 'loopback',
    // As in production, no port: the proxy maps 443 to its own port, local mode presents 443.
    APP_URL: 'https://127.0.0.1',
    DATABASE_URL: db.url,
    SESSION_SECRET: randomBytes(32).toString('base64url'),
    LOG_LEVEL: 'warn',
  }
  const app = spawnTs(join(cwd, 'src', 'app.ts'), [], { cwd: scratch, env })
  const cleanup = async () => {
    await stop(app)
    await proxy.close()
    await db.drop()
    rmSync(scratch, { recursive: true, force: true })
  }
  try {
    await waitReady(`http://127.0.0.1:${port}/health/ready`, app)
  } catch (error) {
    await cleanup()
    throw error
  }
  return { app, url: `http://127.0.0.1:${port}/`, proxy, env, cwd, cleanup }
}

async function startWeak(certs: TestCertificates): Promise<RunningApp> {
  const port = await freePort()
  const proxy = await startTlsProxy(port, certs)
  const env = {
    NODE_ENV: 'production',
    PORT: String(port),
    TRUST_PROXY: 'loopback',
    APP_URL: `https://127.0.0.1:${proxy.httpsPort}`,
    DATABASE_URL: 'postgres://app@127.0.0.1:5432/app',
    LOG_LEVEL: 'warn',
  }
  const app = spawnTs(join(WEAK_APP, 'src', 'app.ts'), [], { cwd: WEAK_APP, env })
  await app.waitFor('listening on', 60_000)
  const cleanup = async () => {
    await stop(app)
    await proxy.close()
  }
  return { app, url: `http://127.0.0.1:${port}/`, proxy, env, cwd: WEAK_APP, cleanup }
}

/** `kit audit` of the app's plain port in local mode, with the app's own env (its APP_URL) and no CA. */
function auditLocally(running: RunningApp): Promise<CliRun> {
  return kitCli(['audit', running.url, '--health-path', '/health/live'], { env: running.env })
}

/** Every check's status, and the Observatory part: what local mode must reproduce. */
function verdicts(run: CliRun) {
  return {
    statuses: Object.fromEntries(run.json.results.map((r) => [r.id, r.status])),
    observatory: run.json.observatory,
  }
}
// The certificate is what local mode cannot grade: a throwaway one, so those checks are skipped.
const LOCAL_SKIPS = { 'LIVE-TLS-01': 'skip', 'LIVE-TLS-02': 'skip' }

/** `kit audit` of an app, as its own process trusting the test CA. /health/live: readiness may shed load on a busy machine. */
function audit(running: RunningApp, certs: TestCertificates): Promise<CliRun> {
  return kitCli(
    [
      'audit',
      running.proxy.httpsUrl,
      '--http-port',
      String(running.proxy.httpPort),
      '--health-path',
      '/health/live',
    ],
    { env: { NODE_EXTRA_CA_CERTS: certs.caFile } },
  )
}

let certs: TestCertificates
const apps = new Map<string, RunningApp>()
beforeAll(async () => {
  certs = createCertificates()
  const started = await Promise.allSettled([
    ...EXAMPLES.map(async (name) => apps.set(name, await startExample(name, certs))),
    startWeak(certs).then((weak) => apps.set('weak', weak)),
  ])
  const failure = started.find((s) => s.status === 'rejected')
  if (failure) throw (failure as PromiseRejectedResult).reason
}, 120_000)

afterAll(async () => {
  await Promise.all([...apps.values()].map((running) => running.cleanup()))
  certs?.cleanup()
})

describe.concurrent.each(EXAMPLES)('examples/%s in production behind TLS', (name) => {
  it('passes kit doctor --online with no error', async () => {
    const running = apps.get(name)!
    const run = await kitCli(['doctor', '--online'], { cwd: running.cwd, env: running.env })
    expect(errorsOf(run), JSON.stringify(failed(run), null, 2)).toEqual([])
    expect(run.code).toBe(0)
    // The online checks really ran against the database.
    const byId = Object.fromEntries(run.json.results.map((r) => [r.id, r]))
    expect(byId['KIT-DB-003']?.status).toBe('pass')
    expect(byId['KIT-MIG-001']).toMatchObject({ status: 'pass', finding: 'the database is up to date' })
    // What is left is what an operator adds on the platform: an alert webhook, a mail provider, a Sentry DSN, HSTS preload.
    expect(ids(failed(run)).sort()).toEqual(['KIT-ALERT-001', 'KIT-MAIL-001', 'KIT-OBS-001', 'KIT-SEC-012'])
  })

  it('gets A+ from kit audit, with no error, behind TLS and in local mode alike', async () => {
    const running = apps.get(name)!
    const [run, local] = await Promise.all([audit(running, certs), auditLocally(running)])
    expect(local.json).toMatchObject({
      url: 'https://127.0.0.1/',
      local: { app: running.url, hostFrom: 'APP_URL' },
    })
    expect(local.code).toBe(0)
    const proxied = verdicts(run)
    expect(verdicts(local)).toEqual({ ...proxied, statuses: { ...proxied.statuses, ...LOCAL_SKIPS } })
    expect(errorsOf(run), JSON.stringify(failed(run), null, 2)).toEqual([])
    expect(run.code).toBe(0)
    expect(run.json.observatory).toMatchObject({ algorithm: 5, grade: 'A+' })
    expect(run.json.observatory!.score).toBeGreaterThanOrEqual(130)
    const byId = Object.fromEntries(run.json.results.map((r) => [r.id, r.status]))
    expect(byId).toMatchObject({
      'LIVE-TLS-01': 'pass',
      'LIVE-RED-01': 'pass',
      'LIVE-HSTS-01': 'pass',
      'LIVE-CSP-03': 'pass',
      'LIVE-HEALTH-01': 'pass',
    })
  })
})

describe.concurrent('a deliberately weakened app', () => {
  it('fails kit doctor: CSP off, Origin echoed with credentials, session cookie without Secure, stack traces', async () => {
    const weak = apps.get('weak')!
    const run = await kitCli(['doctor'], { cwd: weak.cwd, env: weak.env })
    expect(run.code).toBe(1)
    expect(ids(failed(run))).toEqual(
      expect.arrayContaining(['KIT-SEC-002', 'KIT-SEC-020', 'KIT-SEC-030', 'KIT-SEC-016']),
    )
    const reflection = run.json.results.find((r) => r.id === 'KIT-SEC-020')!
    expect(reflection).toMatchObject({ severity: 'critical' })
    expect(reflection.finding).toMatch(/src\/app\.ts:\d+/)
  })

  it('fails kit audit: no CSP, reflected CORS with credentials, insecure session cookie, stack traces', async () => {
    const weak = apps.get('weak')!
    const [run, local] = await Promise.all([audit(weak, certs), auditLocally(weak)])
    const proxied = verdicts(run)
    expect(verdicts(local)).toEqual({ ...proxied, statuses: { ...proxied.statuses, ...LOCAL_SKIPS } })
    expect(local.code).toBe(1)
    expect(run.code).toBe(1)
    expect(ids(failed(run))).toEqual(
      expect.arrayContaining([
        'LIVE-CSP-01',
        'LIVE-CORS-01',
        'LIVE-CK-01',
        'LIVE-ERR-01',
        'LIVE-HSTS-01',
        'LIVE-INFO-01',
      ]),
    )
    expect(run.json.observatory!.grade).toBe('F')
  })
})
