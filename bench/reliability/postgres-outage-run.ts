/**
 * A Postgres outage under load, simulated on the app's own throwaway
 * database (the shared server is never restarted): first 3 s of "blips"
 * (every backend of the database terminated every 300 ms, reconnects
 * allowed), then a 4 s "restart" (connections to the database refused with
 * ALLOW_CONNECTIONS false, backends terminated every 500 ms), then
 * connections allowed again. Readiness must flip to 503 while the database
 * is gone and come back; the process must not crash; GET /db must work after.
 *
 *   node bench/run.mjs reliability postgres
 */
import { createPostgresDatabase, POSTGRES_URL } from '@kit/test-utils'
import pg from 'pg'
import { deadline, type Outcome, send, sleep, startApp, sustain, tally, verdict } from './lib.ts'

deadline('postgres-outage', 240_000)

async function waitReady(port: number, withinMs: number): Promise<number | undefined> {
  const start = Date.now()
  while (Date.now() - start < withinMs) {
    const r = await send(port, '/health/ready', { timeoutMs: 3000 })
    if (r.status === 200) return Date.now() - start
    await sleep(100)
  }
  return undefined
}

async function run(framework: 'express' | 'fastify') {
  const db = await createPostgresDatabase(`bench-pg-outage-${framework}`)
  const admin = new pg.Client({ connectionString: POSTGRES_URL })
  await admin.connect()
  const terminate = async () =>
    (
      await admin.query(
        'select count(pg_terminate_backend(pid))::int as n from pg_stat_activity where datname = $1 and pid <> pg_backend_pid()',
        [db.name],
      )
    ).rows[0].n as number
  const allow = (on: boolean) => admin.query(`ALTER DATABASE "${db.name}" WITH ALLOW_CONNECTIONS ${on}`)
  const app = await startApp(framework, { DATABASE_URL: db.url })
  try {
    if ((await waitReady(app.port, 20_000)) === undefined) throw new Error('never ready with Postgres up')
    const readiness: { at: number; status: number | undefined }[] = []
    let polling = true
    const poller = (async () => {
      while (polling) {
        const r = await send(app.port, '/health/ready', { timeoutMs: 10_000 })
        readiness.push({ at: r.startedAt, status: r.status })
        await sleep(200)
      }
    })()
    const load = sustain(app.port, '/db', { connections: 8, timeoutMs: 60_000 })
    await sleep(1500)
    const blipsAt = Date.now()
    let terminated = 0
    while (Date.now() - blipsAt < 3000) {
      terminated += await terminate()
      await sleep(300)
    }
    const downAt = Date.now()
    await allow(false)
    while (Date.now() - downAt < 4000) {
      terminated += await terminate()
      await sleep(500)
    }
    await allow(true)
    const upAt = Date.now()
    const readyAfterMs = await waitReady(app.port, 30_000)
    await sleep(1000)
    const endedAt = Date.now()
    await load.stop()
    polling = false
    await poller
    const after = await send(app.port, '/db', { timeoutMs: 10_000 })

    // By the time a request ended: one in flight when the outage began belongs to the outage.
    const phase = (from: number, to: number) =>
      load.outcomes.filter((o) => o.endedAt >= from && o.endedAt < to)
    const readyIn = (from: number, to: number) =>
      readiness.filter((r) => r.at >= from && r.at < to) as unknown as Outcome[]
    const down = phase(downAt, upAt)
    const slowest = Math.max(0, ...load.outcomes.map((o) => o.endedAt - o.startedAt))
    const flipped = readyIn(downAt, upAt).some((r) => r.status === 503)
    const alive = app.alive()
    const pass = alive && flipped && readyAfterMs !== undefined && after.status === 200
    return {
      pass,
      figures: `${framework}: ${terminated} backends terminated; /db before ${tally(phase(0, blipsAt))}, during blips ${tally(phase(blipsAt, downAt))}, while refused ${tally(down)}, after ${tally(phase(upAt, endedAt))}; slowest /db ${slowest} ms; readiness during blips ${tally(readyIn(blipsAt, downAt))}, while refused ${tally(readyIn(downAt, upAt))} (${flipped ? 'flipped' : 'did NOT flip'}), ready again ${readyAfterMs ?? 'never'} ms after connections were allowed; /db afterwards ${after.status ?? after.error}; process ${alive ? 'alive' : 'DIED'}`,
    }
  } finally {
    app.process.child.kill('SIGKILL')
    await allow(true).catch(() => {})
    await admin.end()
    await db.drop()
  }
}

const frameworks = (process.env.FRAMEWORKS ?? 'express,fastify').split(',') as ('express' | 'fastify')[]
const results = []
for (const framework of frameworks) results.push(await run(framework))
verdict(
  'postgres-outage',
  results.every((r) => r.pass),
  results.map((r) => r.figures).join('; '),
)
process.exit(0)
