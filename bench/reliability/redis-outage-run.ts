/**
 * Redis killed (SIGKILL) and restarted under load, on a productionize() app
 * whose rate limits live in Redis (a throwaway redis-server: the shared one
 * is never touched). Counts requests that hung past the bound (the limiter
 * bounds a store call at 500 ms; BOUND_MS adds slack for a loaded machine),
 * the answers in each phase, readiness, and checks that limits apply again
 * once Redis is back (the 6th request of a 5-a-minute tier gets 429).
 *
 *   node bench/run.mjs reliability redis
 */
import { startThrowawayRedis } from '@kit/test-utils'
import { deadline, type Outcome, send, sleep, startApp, sustain, tally, verdict } from './lib.ts'

const BOUND_MS = Number(process.env.BOUND_MS ?? 2000)
const OUTAGE_MS = Number(process.env.OUTAGE_MS ?? 4000)
deadline('redis-outage', 180_000)

async function waitReady(port: number, withinMs: number): Promise<number | undefined> {
  const start = Date.now()
  while (Date.now() - start < withinMs) {
    const r = await send(port, '/health/ready', { timeoutMs: 2000 })
    if (r.status === 200) return Date.now() - start
    await sleep(100)
  }
  return undefined
}

async function run(framework: 'express' | 'fastify') {
  const redis = await startThrowawayRedis()
  const app = await startApp(framework, { REDIS_URL: redis.url })
  try {
    if ((await waitReady(app.port, 15_000)) === undefined) throw new Error('never ready with Redis up')
    const readiness: { at: number; status: number | undefined }[] = []
    let polling = true
    const poller = (async () => {
      while (polling) {
        const r = await send(app.port, '/health/ready', { timeoutMs: 5000 })
        readiness.push({ at: r.startedAt, status: r.status })
        await sleep(250)
      }
    })()
    const load = sustain(app.port, '/hello', { connections: 16, timeoutMs: 15_000 })
    await sleep(2000)
    const killedAt = Date.now()
    await redis.stop()
    await sleep(OUTAGE_MS)
    const restartedAt = Date.now()
    await redis.start()
    const readyAfterMs = await waitReady(app.port, 20_000)
    await sleep(1000)
    const endedAt = Date.now()
    await load.stop()
    polling = false
    await poller
    // Limits resume: a fresh 5-a-minute tier in the restarted (empty) Redis.
    const probes: Outcome[] = []
    for (let i = 0; i < 6; i++) probes.push(await send(app.port, '/limited', { timeoutMs: 5000 }))
    const probeStatuses = probes.map((p) => p.status ?? p.error)
    const limitsResume = probes.slice(0, 5).every((p) => p.status === 200) && probes[5]!.status === 429

    // By the time a request ended: one in flight when the outage began belongs to the outage.
    const phase = (from: number, to: number) =>
      load.outcomes.filter((o) => o.endedAt >= from && o.endedAt < to)
    const healthy = phase(0, killedAt)
    const outage = phase(killedAt, restartedAt)
    const recovery = phase(restartedAt, endedAt)
    const hung = load.outcomes.filter((o) => o.endedAt - o.startedAt > BOUND_MS || o.error === 'timeout')
    const slowest = Math.max(...outage.map((o) => o.endedAt - o.startedAt))
    const readyDuringOutage = tally(
      readiness.filter((r) => r.at >= killedAt && r.at < restartedAt) as unknown as Outcome[],
    )
    const alive = app.alive()
    const pass =
      alive &&
      hung.length === 0 &&
      limitsResume &&
      readyAfterMs !== undefined &&
      healthy.every((o) => o.status === 200)
    return {
      pass,
      figures: `${framework}: ${hung.length} of ${load.outcomes.length} requests hung past ${BOUND_MS} ms; before ${tally(healthy)}, during the ${OUTAGE_MS / 1000} s outage ${tally(outage)} (slowest ${slowest} ms), after ${tally(recovery)}; readiness during the outage ${readyDuringOutage}, ready again ${readyAfterMs ?? 'never'} ms after restart; /limited ×6 after recovery: ${probeStatuses.join(',')} (limits ${limitsResume ? 'resume' : 'do NOT resume'}); process ${alive ? 'alive' : 'DIED'}`,
    }
  } finally {
    app.process.child.kill('SIGKILL')
    await redis.destroy()
  }
}

const frameworks = (process.env.FRAMEWORKS ?? 'express,fastify').split(',') as ('express' | 'fastify')[]
const results = []
for (const framework of frameworks) results.push(await run(framework))
verdict(
  'redis-outage',
  results.every((r) => r.pass),
  results.map((r) => r.figures).join('; '),
)
process.exit(0)
