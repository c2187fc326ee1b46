import { FASTIFY_FACTS, requestFacts } from '@kit/internal'
import type { FastifyReply, FastifyRequest } from 'fastify'
import type { FrameworkIO } from '../core/run-tier.ts'
import { refuse } from './refuse.ts'

const kAfterResponse = Symbol('kit.rateLimit.afterResponse')
type AfterResponse = (statusCode: number, finished: boolean) => void
type WaitingRequest = FastifyRequest & { [kAfterResponse]?: AfterResponse }

/** The limiter's view of Fastify (one constant object: nothing built per request). */
export const FASTIFY_IO: FrameworkIO<FastifyRequest, FastifyReply> = {
  // Shared per-request facts: request.ip (proxy-addr) is read once per request, by whichever step asks first.
  address: (request) => requestFacts(request.raw, request, FASTIFY_FACTS).clientAddress,
  get: (reply, name) => reply.getHeader(name),
  // Through reply.header(), not the raw response: one raw header would push Fastify off its fast writeHead path.
  set: (reply, name, value) => {
    reply.header(name, value)
  },
  refuse: (request, reply, status, retryAfter) => {
    refuse(request, reply, status, retryAfter)
  },
  send: (reply, status, body) => {
    reply.code(status).send(body)
  },
  // Read by the onResponse / onRequestAbort hooks the plugin adds when a tier gives hits back.
  afterResponse: (request, _reply, done) => {
    ;(request as WaitingRequest)[kAfterResponse] = done
  },
}

/** Calls the limiter's pending after-response step, if any (onResponse: finished; onRequestAbort: not). */
export function responseOver(request: FastifyRequest, statusCode: number, finished: boolean): void {
  const done = (request as WaitingRequest)[kAfterResponse]
  if (done === undefined) return
  ;(request as WaitingRequest)[kAfterResponse] = undefined
  done(statusCode, finished)
}
