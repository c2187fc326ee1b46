import { Agent, request } from 'node:http'
import { fileURLToPath } from 'node:url'
import { type SpawnedProcess, spawnTs } from '@kit/test-utils'
import { afterEach, describe, expect, it } from 'vitest'
import { FRAMEWORKS, sleep } from './helpers.ts'

const FIXTURE = fileURLToPath(new URL('./fixtures/shutdown-server.ts', import.meta.url))
const CONNECTIONS = 128
// Generous: the machine running the tests may be busy; exit 0 proves the drain beat the deadline.
const DEADLINE_MS = 20_000

interface Outcome {
  ok: boolean
  status?: number
  error?: string
  /** When the request was fully handed to the OS: "sent". */
  flushedAt?: number
  endedAt: number
}

function send(port: number, path: string, agent: Agent): Promise<Outcome> {
  return new Promise((resolve) => {
    let flushedAt: number | undefined
    // A safety net only: on a starved machine a short socket timeout fires before the waiting response is read.
    const req = request({ host: '127.0.0.1', port, path, agent, timeout: 60_000 }, (res) => {
      res.resume()
      res.on('end', () =>
        resolve({ ok: res.statusCode === 200, status: res.statusCode, flushedAt, endedAt: Date.now() }),
      )
      res.on('error', (error: NodeJS.ErrnoException) =>
        resolve({ ok: false, error: error.code ?? error.message, flushedAt, endedAt: Date.now() }),
      )
    })
    req.on('finish', () => {
      flushedAt = Date.now()
    })
    req.on('timeout', () => req.destroy(new Error('client timeout')))
    req.on('error', (error: NodeJS.ErrnoException) =>
      resolve({ ok: false, error: error.code ?? error.message, flushedAt, endedAt: Date.now() }),
    )
    req.end()
  })
}

function withTimeout<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  return Promise.race([
    promise,
    new Promise<T>((_, reject) => setTimeout(() => reject(new Error(`${what} took over ${ms} ms`)), ms)),
  ])
}

function portOf(child: SpawnedProcess): number {
  return Number(/listening (\d+)/.exec(child.stdout())?.[1])
}

let child: SpawnedProcess | undefined
afterEach(() => {
  if (child && child.child.exitCode === null && child.child.signalCode === null) child.child.kill('SIGKILL')
  child = undefined
})

describe.each(FRAMEWORKS)('%s in its own process', (framework) => {
  it(`drops nothing under load on SIGTERM: ${CONNECTIONS} keep-alive connections and a 3 s request, exit 0`, async () => {
    child = spawnTs(FIXTURE, [framework, 'load'], { env: { SHUTDOWN_TIMEOUT_MS: String(DEADLINE_MS) } })
    await child.waitFor(/listening \d+/, 30_000)
    const port = portOf(child)
    const agent = new Agent({ keepAlive: true, maxSockets: CONNECTIONS })
    const outcomes: Outcome[] = []
    let running = true
    // A bounded client loop per connection: it ends at its first failure (the server is gone) or when told to.
    const loops = Array.from({ length: CONNECTIONS }, async () => {
      while (running) {
        const outcome = await send(port, '/work', agent)
        outcomes.push(outcome)
        if (!outcome.ok) return
      }
    })
    // Every connection busy before the 3 s request starts; SIGTERM as soon as it is in the handler.
    const warm = Date.now() + 30_000
    while (outcomes.length < CONNECTIONS * 2 && Date.now() < warm) await sleep(50)
    const slowAgent = new Agent({ keepAlive: true })
    const slowStarted = Date.now()
    const slow = send(port, '/slow', slowAgent)
    await child.waitFor('slow started', 30_000)

    const sigtermAt = Date.now()
    child.child.kill('SIGTERM')
    const exit = await withTimeout(child.exited, DEADLINE_MS + 10_000, 'the shutdown')
    const exitedAt = Date.now()
    running = false
    await withTimeout(Promise.all(loops), 70_000, 'stopping the client loops')
    const slowOutcome = await slow
    agent.destroy()
    slowAgent.destroy()

    const sentBefore = outcomes.filter((o) => o.flushedAt !== undefined && o.flushedAt < sigtermAt)
    const failedBefore = sentBefore.filter((o) => !o.ok)
    const firstSent = Math.min(...outcomes.map((o) => o.flushedAt ?? Number.POSITIVE_INFINITY))
    const timeline = (o: Outcome) =>
      `${o.error ?? o.status} sent ${(o.flushedAt ?? 0) - sigtermAt} ms, ended ${o.endedAt - sigtermAt} ms from SIGTERM`
    expect(sentBefore.length).toBeGreaterThan(CONNECTIONS)
    expect(failedBefore.map(timeline), `first request sent ${firstSent - sigtermAt} ms from SIGTERM`).toEqual(
      [],
    )
    expect(slowOutcome).toMatchObject({ ok: true, status: 200 })
    expect(slowOutcome.endedAt - slowStarted).toBeGreaterThanOrEqual(2900)
    expect(slowOutcome.endedAt).toBeGreaterThan(sigtermAt)
    expect(exit).toEqual({ code: 0, signal: null })
    expect(exitedAt - sigtermAt).toBeLessThan(DEADLINE_MS)
    // The server answered every request it received, to the end.
    const stats = JSON.parse(/stats (\{.*\})/.exec(child.stdout())?.[1] ?? '{}')
    expect(stats.received).toBeGreaterThan(CONNECTIONS)
    expect(stats).toEqual({ received: stats.received, finished: stats.received, aborted: 0 })
    expect(child.stdout()).toContain('graceful shutdown started (SIGTERM)')
    console.info(
      `${framework}: ${sentBefore.length} requests sent before SIGTERM, 0 failed; ` +
        `${outcomes.filter((o) => o.ok && (o.flushedAt ?? 0) >= sigtermAt).length} more served while draining; ` +
        `exit 0 ${exitedAt - sigtermAt} ms after SIGTERM`,
    )
  }, 120_000)
})

describe('a shutdown hook that never resolves', () => {
  it('ends the process with exit 1 at the deadline, naming the hook', async () => {
    child = spawnTs(FIXTURE, ['express', 'hang'], { env: { SHUTDOWN_TIMEOUT_MS: '1500' } })
    await child.waitFor(/listening \d+/, 30_000)
    const sigtermAt = Date.now()
    child.child.kill('SIGTERM')
    const exit = await withTimeout(child.exited, 10_000, 'the shutdown')
    const elapsed = Date.now() - sigtermAt
    expect(exit).toEqual({ code: 1, signal: null })
    expect(elapsed).toBeGreaterThanOrEqual(1400)
    expect(elapsed).toBeLessThan(10_000)
    const fatal = child
      .stdout()
      .split('\n')
      .filter((line) => line.startsWith('{'))
      .map((line) => JSON.parse(line))
      .find((entry) => entry.level === 60)
    expect(fatal.msg).toMatch(/^shutdown deadline of 1500 ms passed while running shutdown hook "never"/)
  }, 60_000)
})
