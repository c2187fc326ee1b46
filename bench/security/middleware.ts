/**
 * The Express middleware alone, in process: real Express request/response
 * objects (no socket, nothing written), the chain called synchronously.
 * It isolates the few µs of security work that Express's own ~200 µs per
 * HTTP request hides on a busy machine. Reported as CPU µs per request
 * beyond creating the objects (the "bare" row), in interleaved rounds.
 */
import { IncomingMessage, ServerResponse } from 'node:http'
import { Socket } from 'node:net'
import express, { type RequestHandler } from 'express'
import { ALLOWED_ORIGIN, expressChain } from './apps.ts'

const CHAINS = ['express-bare', 'express-hand', 'express-kit'] as const

const REQUESTS = {
  'GET + CORS': {
    method: 'GET',
    headers: { origin: ALLOWED_ORIGIN, 'x-forwarded-proto': 'https', accept: 'application/json' },
  },
  preflight: {
    method: 'OPTIONS',
    headers: { origin: ALLOWED_ORIGIN, 'access-control-request-method': 'PUT', 'x-forwarded-proto': 'https' },
  },
}

export function middlewareBench(iterations: number, rounds: number): void {
  const app = express()
  app.set('trust proxy', 'loopback')
  const socket = new Socket()
  Object.defineProperty(socket, 'remoteAddress', { value: '127.0.0.1' })
  const chains = new Map(CHAINS.map((name) => [name, expressChain(name)]))

  const once = (chain: RequestHandler[], request: (typeof REQUESTS)[keyof typeof REQUESTS]): void => {
    const req = new IncomingMessage(socket) as express.Request
    req.method = request.method
    req.url = '/api/hello'
    req.headers = { ...request.headers, host: '127.0.0.1' }
    const res = new ServerResponse(req) as unknown as express.Response
    Object.setPrototypeOf(req, app.request)
    Object.setPrototypeOf(res, app.response)
    req.originalUrl = req.url
    req.res = res
    res.req = req
    res.locals = {}
    let index = 0
    const next = (): void => {
      const handler = chain[index++]
      if (handler) handler(req, res, next)
    }
    next()
  }
  const cpuPerRequest = (
    chain: RequestHandler[],
    request: (typeof REQUESTS)[keyof typeof REQUESTS],
  ): number => {
    const before = process.cpuUsage()
    for (let i = 0; i < iterations; i++) once(chain, request)
    const { user, system } = process.cpuUsage(before)
    return (user + system) / iterations
  }

  console.log(`## Express middleware in process (${iterations} requests × ${rounds} rounds)\n`)
  for (const [scenario, request] of Object.entries(REQUESTS)) {
    for (const chain of chains.values()) cpuPerRequest(chain, request) // warm-up (JIT)
    const samples = new Map<string, number[]>(CHAINS.map((name) => [name, []]))
    for (let round = 0; round < rounds; round++) {
      for (const [name, chain] of chains) samples.get(name)!.push(cpuPerRequest(chain, request))
    }
    const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!
    const bare = median(samples.get('express-bare')!)
    const hand = median(samples.get('express-hand')!) - bare
    console.log(`### ${scenario}\n`)
    console.log('| chain | security µs/req | vs by hand |')
    console.log('|---|---:|---:|')
    for (const name of CHAINS) {
      if (name === 'express-bare') continue
      const work = median(samples.get(name)!) - bare
      console.log(`| ${name} | ${work.toFixed(2)} | ${(hand / work).toFixed(2)}× less |`)
    }
    console.log('')
  }
}

if (import.meta.url === `file://${process.argv[1]}`) middlewareBench(50_000, 5)
