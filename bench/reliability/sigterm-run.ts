/**
 * SIGTERM during sustained load, on a full productionize() app (Express and
 * Fastify): CONNECTIONS keep-alive loops on GET /hello and one 3 s request
 * in its handler, then SIGTERM. Every request fully sent before the signal must
 * succeed, the slow one included, and the process must exit 0 by itself.
 * (bench/reliability/shutdown-run.ts compares @kit/health alone with
 * hand-written handlers; this one runs the whole pipeline.)
 *
 *   node bench/run.mjs reliability sigterm
 */
import { deadline, type Outcome, send, sleep, startApp, sustain, tally, verdict } from './lib.ts'

const CONNECTIONS = Number(process.env.CONNECTIONS ?? 64)
deadline('sigterm', 150_000)

async function run(framework: 'express' | 'fastify') {
  const app = await startApp(framework)
  const load = sustain(app.port, '/hello', {
    connections: CONNECTIONS,
    timeoutMs: 30_000,
    stopOnFailure: true,
  })
  await sleep(1500)
  const slowRequest = send(app.port, '/slow', { timeoutMs: 30_000 })
  await app.process.waitFor('slow started', 20_000)
  const sigtermAt = Date.now()
  app.process.child.kill('SIGTERM')
  const exit = await Promise.race([
    app.process.exited,
    sleep(40_000).then(() => ({ code: null, signal: 'timeout' as const })),
  ])
  const exitedAt = Date.now()
  if (exit.signal === 'timeout') app.process.child.kill('SIGKILL')
  await load.stop()
  const slow = await slowRequest
  const sentBefore = load.outcomes.filter((o) => o.flushedAt !== undefined && o.flushedAt < sigtermAt)
  const failedBefore = sentBefore.filter((o: Outcome) => o.status !== 200 || o.error)
  const after = load.outcomes.filter((o) => o.flushedAt === undefined || o.flushedAt >= sigtermAt)
  const pass = failedBefore.length === 0 && slow.status === 200 && exit.code === 0
  if (!pass) process.stderr.write(`${framework} app stderr:\n${app.process.stderr().slice(-3000)}\n`)
  return {
    pass,
    figures: `${framework}: ${sentBefore.length} requests sent before SIGTERM, ${failedBefore.length} failed (${tally(failedBefore)}); slow request ${slow.status === 200 ? 'completed' : `failed (${slow.error ?? slow.status})`}; exit ${exit.code ?? exit.signal} ${exitedAt - sigtermAt} ms after SIGTERM; after the signal: ${tally(after)}`,
  }
}

const frameworks = (process.env.FRAMEWORKS ?? 'express,fastify').split(',') as ('express' | 'fastify')[]
const results = []
for (const framework of frameworks) results.push(await run(framework))
verdict(
  'sigterm',
  results.every((r) => r.pass),
  results.map((r) => r.figures).join('; '),
)
