/**
 * What a SIGTERM under load costs, per shutdown strategy. Each server runs in
 * its own process; this one keeps CONNECTIONS keep-alive connections busy
 * with GET /work, starts one 3 s request, sends SIGTERM, and counts requests
 * sent before the signal that failed, whether the 3 s request completed, and
 * how long the process took to exit.
 * Run: pnpm exec tsx bench/reliability/shutdown-run.ts
 */
import { spawn } from 'node:child_process'
import { Agent, request } from 'node:http'
import { fileURLToPath } from 'node:url'

const CONNECTIONS = Number(process.env.CONNECTIONS ?? 128)
const WARMUP_MS = Number(process.env.WARMUP_MS ?? 1500)
const serverFile = fileURLToPath(new URL('./shutdown-server.ts', import.meta.url))
const VARIANTS = ['kit', 'close-only', 'none'] as const
const FRAMEWORKS = ['express', 'fastify'] as const

interface Outcome {
  ok: boolean
  flushedAt?: number
  endedAt: number
}

function send(port: number, path: string, agent: Agent): Promise<Outcome> {
  return new Promise((resolve) => {
    let flushedAt: number | undefined
    const done = (ok: boolean) => resolve({ ok, flushedAt, endedAt: Date.now() })
    const req = request({ host: '127.0.0.1', port, path, agent, timeout: 15_000 }, (res) => {
      res.resume()
      res.on('end', () => done(res.statusCode === 200))
      res.on('error', () => done(false))
    })
    req.on('finish', () => {
      flushedAt = Date.now()
    })
    req.on('timeout', () => req.destroy(new Error('timeout')))
    req.on('error', () => done(false))
    req.end()
  })
}

async function run(framework: string, variant: string) {
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', '--conditions=@kit/source', serverFile, framework, variant],
    {
      stdio: ['ignore', 'pipe', 'inherit'],
      env: { ...process.env, NODE_ENV: 'production' },
    },
  )
  let out = ''
  const seen = (text: string) =>
    new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no "${text}" from ${framework}/${variant}`)), 20_000)
      const check = () => {
        if (out.includes(text)) {
          clearTimeout(timer)
          resolve()
        } else child.stdout.once('data', check)
      }
      check()
    })
  child.stdout.on('data', (chunk: Buffer) => {
    out += chunk.toString()
  })
  const exited = new Promise<{ code: number | null; signal: string | null; at: number }>((resolve) =>
    child.once('exit', (code, signal) => resolve({ code, signal, at: Date.now() })),
  )
  await seen('listening ')
  const port = Number(/listening (\d+)/.exec(out)?.[1])
  const agent = new Agent({ keepAlive: true, maxSockets: CONNECTIONS })
  const outcomes: Outcome[] = []
  let running = true
  const loops = Array.from({ length: CONNECTIONS }, async () => {
    while (running) {
      const outcome = await send(port, '/work', agent)
      outcomes.push(outcome)
      if (!outcome.ok) return
    }
  })
  await new Promise((resolve) => setTimeout(resolve, WARMUP_MS))
  const slowAgent = new Agent({ keepAlive: true })
  const slow = send(port, '/slow', slowAgent)
  await seen('slow started')
  const sigtermAt = Date.now()
  child.kill('SIGTERM')
  const exit = await Promise.race([
    exited,
    new Promise<{ code: null; signal: 'timeout'; at: number }>((resolve) =>
      setTimeout(() => resolve({ code: null, signal: 'timeout', at: Date.now() }), 40_000),
    ),
  ])
  if (exit.signal === 'timeout') child.kill('SIGKILL')
  running = false
  await Promise.all(loops)
  const slowOutcome = await slow
  agent.destroy()
  slowAgent.destroy()
  const before = outcomes.filter((o) => o.flushedAt !== undefined && o.flushedAt < sigtermAt)
  return {
    framework,
    variant,
    sentBeforeSigterm: before.length,
    failedOfThose: before.filter((o) => !o.ok).length,
    slowRequest: slowOutcome.ok ? 'completed' : 'dropped',
    exit: exit.code ?? exit.signal,
    sigtermToExitMs: exit.at - sigtermAt,
  }
}

const rows = []
for (const framework of FRAMEWORKS) {
  for (const variant of VARIANTS) rows.push(await run(framework, variant))
}
console.table(rows)
