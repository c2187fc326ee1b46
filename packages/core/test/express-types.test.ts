import type { Request, Response } from 'express'
import type { Logger } from 'pino'
import { describe, expect, expectTypeOf, it } from 'vitest'
import { startKit } from './helpers/start-kit.ts'

// Compile-time half: `pnpm typecheck` checks these against the declarations
// @kit/core brings (req.id, req.log, res.locals.cspNonce on the global
// Express namespace); without them they are TS2339 or `any`. The run-time
// half: the values are really there on a productionize() app.
describe('Express typings for what kit puts on requests and responses', () => {
  it('req.id is a string, req.log a logger and res.locals.cspNonce a string, and all are set', async () => {
    const started = await startKit('express', {}, (app) => {
      app.get('/typed', (req: Request, res: Response) => {
        expectTypeOf(req.id).toEqualTypeOf<string>()
        expectTypeOf(req.log).toEqualTypeOf<Logger>()
        expectTypeOf(res.locals.cspNonce).toEqualTypeOf<string>()
        res.json({ id: req.id, nonce: res.locals.cspNonce, logs: typeof req.log.info })
      })
    })
    try {
      const res = await fetch(`${started.url}/typed`)
      const body = (await res.json()) as { id: string; nonce: string; logs: string }
      expect(res.status).toBe(200)
      expect(body.id).toBe(res.headers.get('x-request-id'))
      expect(res.headers.get('content-security-policy')).toContain(`'nonce-${body.nonce}'`)
      expect(body.logs).toBe('function')
    } finally {
      await started.close()
    }
  })
})
