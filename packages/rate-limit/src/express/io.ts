import type { Request, Response } from 'express'
import { sendRefusal } from '../core/response.ts'
import type { FrameworkIO } from '../core/run-tier.ts'

/** The limiter's view of Express (one constant object: nothing built per request). */
export const EXPRESS_IO: FrameworkIO<Request, Response> = {
  // The pipeline put the normalised address in req.ip first (useClientAddress).
  address: (req) => req.ip,
  get: (res, name) => res.getHeader(name),
  set: (res, name, value) => {
    if (!res.headersSent) res.setHeader(name, value)
  },
  refuse: (req, res, status, retryAfter) => sendRefusal(req, res, status, retryAfter),
  send: (res, status, body) => {
    if (!res.headersSent) res.status(status).send(body)
  },
  afterResponse: (_req, res, done) => {
    let over = false
    res.once('finish', () => {
      if (over) return
      over = true
      done(res.statusCode, true)
    })
    res.once('close', () => {
      if (over) return
      over = true
      done(res.statusCode, res.writableFinished)
    })
  },
}
