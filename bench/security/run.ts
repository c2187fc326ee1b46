/**
 * Headers + CORS: @kit/security vs helmet + cors wired by hand, on Express
 * and Fastify, side by side in one run. Each app runs in its own process;
 * autocannon drives them one at a time, in interleaved rounds (so a noisy
 * machine hurts every variant alike), and each server reports its own CPU
 * time, which gives CPU µs per request (steadier than req/s on a shared box).
 *
 * "security µs/req" is the CPU a variant spends beyond the bare app of the
 * same framework: the cost of the headers and CORS work alone. The last
 * table measures the Express middleware alone, in process (middleware.ts).
 *
 *   node --import tsx --conditions=@kit/source bench/security/run.ts [--duration 3] [--rounds 3] [--connections 20]
 */
import { type ChildProcess, spawn } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import { parseArgs } from 'node:util'
import autocannon from 'autocannon'
import { ALLOWED_ORIGIN, VARIANTS, type Variant } from './apps.ts'
import { middlewareBench } from './middleware.ts'

const { values: args } = parseArgs({
  options: {
    duration: { type: 'string', default: '3' },
    rounds: { type: 'string', default: '3' },
    connections: { type: 'string', default: '20' },
  },
})
const DURATION = Number(args.duration)
const ROUNDS = Number(args.rounds)
const CONNECTIONS = Number(args.connections)

const SCENARIOS = {
  'GET + CORS': {
    method: 'GET' as const,
    headers: { origin: ALLOWED_ORIGIN, 'x-forwarded-proto': 'https', accept: 'application/json' },
  },
  preflight: {
    method: 'OPTIONS' as const,
    headers: { origin: ALLOWED_ORIGIN, 'access-control-request-method': 'PUT', 'x-forwarded-proto': 'https' },
  },
}
type Scenario = keyof typeof SCENARIOS

interface Server {
  variant: Variant
  port: number
  child: ChildProcess
  cpu(): Promise<number>
}

async function start(variant: Variant): Promise<Server> {
  const file = fileURLToPath(new URL('./server.ts', import.meta.url))
  const child = spawn(process.execPath, ['--import', 'tsx', '--conditions=@kit/source', file, variant], {
    stdio: ['pipe', 'pipe', 'inherit'],
  })
  let buffer = ''
  const waiters: ((line: string) => void)[] = []
  child.stdout!.on('data', (chunk: Buffer) => {
    buffer += chunk.toString()
    let newline = buffer.indexOf('\n')
    while (newline !== -1) {
      const line = buffer.slice(0, newline)
      buffer = buffer.slice(newline + 1)
      waiters.shift()?.(line)
      newline = buffer.indexOf('\n')
    }
  })
  const nextLine = (): Promise<string> =>
    new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`${variant} did not answer in 30 s`)), 30_000)
      waiters.push((line) => {
        clearTimeout(timer)
        resolve(line)
      })
    })
  const first = await nextLine()
  const port = Number(/^listening (\d+)$/.exec(first)?.[1])
  if (!port) throw new Error(`${variant} printed ${first}`)
  return {
    variant,
    port,
    child,
    async cpu() {
      const answer = nextLine()
      child.stdin!.write('cpu\n')
      return Number((await answer).split(' ')[1])
    },
  }
}

/** The response a variant gives, so the table compares equal work. */
async function describeResponse(server: Server, scenario: Scenario): Promise<string> {
  const { method, headers } = SCENARIOS[scenario]
  const res = await fetch(`http://127.0.0.1:${server.port}/api/hello`, { method, headers })
  await res.arrayBuffer()
  const names = [...res.headers.keys()]
  const security = names.filter(
    (n) =>
      !['date', 'connection', 'keep-alive', 'content-length', 'content-type', 'etag', 'vary'].includes(n),
  )
  return `${res.status}, ${security.length} headers, ACAO=${res.headers.get('access-control-allow-origin') ?? '-'}`
}

async function load(
  server: Server,
  scenario: Scenario,
  duration: number,
): Promise<{ rps: number; cpuPerRequest: number }> {
  const before = await server.cpu()
  const result = await autocannon({
    url: `http://127.0.0.1:${server.port}/api/hello`,
    connections: CONNECTIONS,
    duration,
    ...SCENARIOS[scenario],
  })
  const after = await server.cpu()
  // The bare apps have no CORS: their preflight answer (404/200) is only the floor.
  const unexpected = server.variant.endsWith('-bare') ? 0 : result.non2xx
  if (unexpected > 0 || result.errors > 0)
    throw new Error(`${server.variant}: ${result.non2xx} non-2xx, ${result.errors} errors`)
  return { rps: result.requests.average, cpuPerRequest: (after - before) / result.requests.total }
}

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!

const servers: Server[] = []
try {
  for (const variant of VARIANTS) servers.push(await start(variant))
  console.log(
    `# @kit/security benchmark: headers + CORS (${ROUNDS} rounds × ${DURATION} s, ${CONNECTIONS} connections)\n`,
  )
  console.log(`node ${process.version}, ${new Date().toISOString()}\n`)
  for (const scenario of Object.keys(SCENARIOS) as Scenario[]) {
    for (const server of servers) await load(server, scenario, 1) // warm-up (JIT)
    const samples = new Map<Variant, { rps: number[]; cpu: number[] }>(
      VARIANTS.map((v) => [v, { rps: [], cpu: [] }]),
    )
    for (let round = 0; round < ROUNDS; round++) {
      for (const server of servers) {
        const { rps, cpuPerRequest } = await load(server, scenario, DURATION)
        samples.get(server.variant)!.rps.push(rps)
        samples.get(server.variant)!.cpu.push(cpuPerRequest)
      }
    }
    console.log(`## ${scenario}\n`)
    console.log(
      '| variant | response | req/s | CPU µs/req | security µs/req | req/s vs by hand | security CPU vs by hand |',
    )
    console.log('|---|---|---:|---:|---:|---:|---:|')
    for (const server of servers) {
      const framework = server.variant.split('-')[0]
      const hand = samples.get(`${framework}-hand` as Variant)!
      const bareCpu = median(samples.get(`${framework}-bare` as Variant)!.cpu)
      const rps = median(samples.get(server.variant)!.rps)
      const cpu = median(samples.get(server.variant)!.cpu)
      const work = cpu - bareCpu
      const cells = server.variant.endsWith('-bare')
        ? ['', '', '']
        : [
            work.toFixed(1),
            `${(rps / median(hand.rps)).toFixed(2)}×`,
            `${((median(hand.cpu) - bareCpu) / work).toFixed(2)}× less`,
          ]
      const response = await describeResponse(server, scenario)
      console.log(
        `| ${server.variant} | ${response} | ${Math.round(rps)} | ${cpu.toFixed(1)} | ${cells.join(' | ')} |`,
      )
    }
    console.log('')
  }
  middlewareBench(50_000, Math.max(ROUNDS, 3))
} finally {
  for (const server of servers) {
    server.child.stdin!.end()
    server.child.kill()
  }
}
