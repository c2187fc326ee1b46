import type { FastifyReply, FastifyRequest } from 'fastify'
import { refusalBody, requestIdOf } from '../core/response.ts'

/** Sends a refusal the way Express does (same headers, same negotiated body). */
export function refuse(
  request: FastifyRequest,
  reply: FastifyReply,
  status: number,
  retryAfter: number,
): FastifyReply {
  const {
    status: sent,
    contentType,
    body,
  } = refusalBody(status, retryAfter, request.raw, requestIdOf(reply, request))
  return reply
    .code(sent)
    .header('retry-after', String(retryAfter))
    .header('cache-control', 'no-store')
    .type(contentType)
    .send(body)
}
