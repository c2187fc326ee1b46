import type { IncomingMessage } from 'node:http'
import { cachedClientAddress, clientAddress } from './network.ts'
import { routedPathOf } from './request-target.ts'

/**
 * How a framework answers the questions its trust-proxy setting decides, over
 * its own request object (Express `req`, Fastify `request`). Static objects,
 * one per framework adapter: nothing is allocated to ask.
 */
export interface FrameworkFacts<Req> {
  /** The client address under the trust-proxy setting (Express `req.ip`, Fastify `request.ip`). */
  ip(req: Req): string | undefined
  /** HTTPS as the framework sees it: X-Forwarded-Proto only from a trusted proxy. */
  secure(req: Req): boolean
  /** The Host (X-Forwarded-Host only from a trusted proxy), with its port. */
  host(req: Req): string | undefined
}

/**
 * What several pipeline steps need about one request, each computed at most
 * once, on first use, then shared (DESIGN §6). The trust-proxy decisions are
 * still the framework's own (docs/internals/client-addresses.md): these are
 * its answers, remembered, never a second opinion.
 */
export interface RequestFacts {
  /** The normalised client address (see clientAddress()). */
  readonly clientAddress: string
  readonly secure: boolean
  readonly host: string | undefined
  /** The routed path (see routedPathOf()). */
  readonly path: string
  /** The request id, once @kit/logger has resolved it. */
  requestId: string | undefined
}

const kFacts = Symbol.for('kit.requestFacts')
type WithFacts = IncomingMessage & { [kFacts]?: Facts<unknown> }

// A class with plain fields (not getters over a closure, not #private): one
// small object per request with a stable shape.
class Facts<Req> implements RequestFacts {
  requestId: string | undefined = undefined
  private knownSecure: boolean | undefined = undefined
  private hostKnown = false
  private knownHost: string | undefined = undefined

  private readonly raw: IncomingMessage
  private readonly req: Req
  private readonly source: FrameworkFacts<Req>

  constructor(raw: IncomingMessage, req: Req, source: FrameworkFacts<Req>) {
    this.raw = raw
    this.req = req
    this.source = source
  }

  get clientAddress(): string {
    // Asked by several steps: the framework's answer is computed (and the address normalised) once.
    return cachedClientAddress(this.raw) ?? clientAddress(this.raw, this.source.ip(this.req))
  }

  get secure(): boolean {
    if (this.knownSecure === undefined) this.knownSecure = this.source.secure(this.req)
    return this.knownSecure
  }

  get host(): string | undefined {
    if (!this.hostKnown) {
      this.knownHost = this.source.host(this.req)
      this.hostKnown = true
    }
    return this.knownHost
  }

  get path(): string {
    return routedPathOf(this.raw)
  }
}

/**
 * This request's facts, created on the first call and kept on the raw
 * request, so every step (whichever package it lives in) shares them. `req`
 * is the framework's request object and `source` the framework's answers:
 * the first caller's pair is the one used for the rest of the request.
 */
export function requestFacts<Req>(raw: IncomingMessage, req: Req, source: FrameworkFacts<Req>): RequestFacts {
  const held = (raw as WithFacts)[kFacts]
  if (held !== undefined) return held
  const facts = new Facts(raw, req, source)
  ;(raw as WithFacts)[kFacts] = facts as Facts<unknown>
  return facts
}

/** The facts of a request some step already asked about, if any (no framework at hand). */
export function knownRequestFacts(raw: IncomingMessage): RequestFacts | undefined {
  return (raw as WithFacts)[kFacts]
}

/** Express's answers: `req.ip`, `req.secure`, `req.host` follow the app's `trust proxy`. */
export const EXPRESS_FACTS: FrameworkFacts<{ ip?: string; secure?: boolean; host?: string }> = {
  ip: (req) => req.ip,
  secure: (req) => req.secure === true,
  host: (req) => req.host,
}

/** Fastify's answers: `request.ip`, `request.protocol`, `request.host` follow `trustProxy`. */
export const FASTIFY_FACTS: FrameworkFacts<{ ip?: string; protocol?: string; host?: string }> = {
  ip: (request) => request.ip,
  secure: (request) => request.protocol === 'https',
  host: (request) => request.host,
}
