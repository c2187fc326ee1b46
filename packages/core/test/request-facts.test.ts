import { EXPRESS_FACTS, FASTIFY_FACTS, type FrameworkFacts, requestFacts } from '@kit/internal'
import { afterEach, describe, expect, it } from 'vitest'
import { type StartedKit, startKit } from './helpers/start-kit.ts'

type Framework = 'express' | 'fastify'

// What a client that is not a trusted proxy may claim: each must be ignored unless TRUST_PROXY trusts the peer.
const FORGED = {
  'x-forwarded-for': '203.0.113.9',
  'x-forwarded-proto': 'https',
  'x-forwarded-host': 'example.com',
}

/** A route that answers what requestFacts() says, asked three times, and how often the framework was asked. */
function factsRoute(framework: Framework) {
  return (app: any) => {
    const answer = (raw: any, req: any, source: FrameworkFacts<any>) => {
      const asked = { ip: 0, secure: 0, host: 0 }
      const counting: FrameworkFacts<any> = {
        ip: (r) => {
          asked.ip++
          return source.ip(r)
        },
        secure: (r) => {
          asked.secure++
          return source.secure(r)
        },
        host: (r) => {
          asked.host++
          return source.host(r)
        },
      }
      // The pipeline's facts are kept on the raw request; a stand-in raw request starts afresh and counts its asks.
      const shared = requestFacts(raw, req, source)
      const fresh = requestFacts(
        { socket: raw.socket, url: raw.url, headers: raw.headers } as never,
        req,
        counting,
      )
      for (let i = 0; i < 3; i++) void [fresh.clientAddress, fresh.secure, fresh.host]
      return {
        clientAddress: shared.clientAddress,
        secure: shared.secure,
        host: shared.host,
        path: shared.path,
        requestIdShared: shared.requestId !== undefined,
        asked,
      }
    }
    if (framework === 'express') {
      app.get('/Facts/', (req: any, res: any) => res.json(answer(req, req, EXPRESS_FACTS)))
    } else {
      app.get('/Facts/', async (request: any) => answer(request.raw, request, FASTIFY_FACTS))
    }
  }
}

let started: StartedKit | undefined
afterEach(async () => {
  await started?.close()
  started = undefined
})

describe.each(['express', 'fastify'] as const)('requestFacts() on %s', (framework) => {
  it('never believes X-Forwarded-* from a peer TRUST_PROXY does not trust', async () => {
    started = await startKit(framework, { security: false }, factsRoute(framework))
    const res = await fetch(`${started.url}/Facts/?x=1`, { headers: FORGED })
    const facts = (await res.json()) as Record<string, unknown>
    expect(facts).toMatchObject({
      clientAddress: '127.0.0.1',
      secure: false,
      host: new URL(started.url).host,
      path: '/facts',
      requestIdShared: true,
    })
  })

  it('takes them from a trusted proxy, as the framework does', async () => {
    started = await startKit(
      framework,
      { security: false, envSource: { TRUST_PROXY: 'loopback' } },
      factsRoute(framework),
    )
    const res = await fetch(`${started.url}/Facts/`, { headers: FORGED })
    expect(await res.json()).toMatchObject({
      clientAddress: '203.0.113.9',
      secure: true,
      host: 'example.com',
    })
  })

  it('asks the framework once per fact, however often steps read it', async () => {
    started = await startKit(framework, { security: false }, factsRoute(framework))
    const res = await fetch(`${started.url}/Facts/`, { headers: FORGED })
    expect(((await res.json()) as { asked: unknown }).asked).toEqual({ ip: 1, secure: 1, host: 1 })
  })
})
