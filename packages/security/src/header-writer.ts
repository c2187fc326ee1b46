import { IncomingMessage, OutgoingMessage, ServerResponse } from 'node:http'
import { Socket } from 'node:net'
import { KitError } from '@kit/internal'
import type { FrameworkIO } from './io.ts'

/**
 * Writing kit's response headers, whose names and values were checked once
 * at start-up, without repeating Node's per-call checks on every request.
 *
 * `res.setHeader()` validates the name (a token regex) and the value (a
 * character-class regex over the whole value, 400 characters for the CSP)
 * on every call; `res.setHeaders(map)` loops over `setHeader()`. Both
 * re-prove per request what is fixed at start-up. On a node:http response
 * kit therefore writes into the response's own header store, the object
 * `setHeader()` writes into, so getHeader(), removeHeader(), later
 * setHeader() calls and what goes on the wire are exactly as before. How
 * that store works, and how this file checks at start-up that it still
 * does: docs/internals/header-writes.md.
 */

/** One header as the store keeps it: the lower-case key, the name as written, the value. */
export interface PreparedHeader {
  readonly key: string
  readonly name: string
  readonly value: string
}

type Store = Record<string, [string, unknown]>
type WithStore = ServerResponse & Record<symbol, Store | null>

// Node's own rules (lib/_http_common.js): a name is a token; a value has no control character but tab.
const TOKEN = /^[\^_`a-zA-Z\-0-9!#$%&'*+.|~]+$/
const INVALID_VALUE_CHAR = /[^\t\x20-\x7e\x80-\xff]/

/**
 * Prepares a header kit writes on every response. Start-up fails (instead
 * of every request) when Node would refuse it, since the fast write below
 * no longer asks Node per request.
 */
export function prepareHeader(name: string, value: string): PreparedHeader {
  if (!TOKEN.test(name) || typeof value !== 'string' || INVALID_VALUE_CHAR.test(value)) {
    throw new KitError(
      'KIT_SECURITY_INVALID_OPTION',
      `the ${JSON.stringify(name)} header would be ${JSON.stringify(value)}, which HTTP does not allow (a control character or line break). Remove it from the option that produced this header.`,
    )
  }
  return { key: name.toLowerCase(), name, value }
}

let storeKey: symbol | null | undefined

/**
 * The symbol under which this Node keeps a response's headers, found and
 * proven once per process (docs/internals/header-writes.md); null when this
 * Node keeps them differently, and kit then calls setHeader() as before.
 */
function headerStoreKey(): symbol | null {
  if (storeKey !== undefined) return storeKey
  storeKey = null
  try {
    const res = new ServerResponse(new IncomingMessage(new Socket())) as WithStore
    const key = Object.getOwnPropertySymbols(res).find((s) => s.description === 'kOutHeaders')
    if (key === undefined || res[key] !== null) return null
    res[key] = Object.create(null) as Store
    res[key]![PROBE.key] = [PROBE.name, PROBE.value]
    const readable =
      res.getHeader('x-kit-probe') === PROBE.value &&
      res.hasHeader('X-KIT-PROBE') &&
      res.getHeaderNames().includes(PROBE.key)
    if (!readable) return null
    // A later setHeader() replaces what kit wrote, as it would replace an earlier setHeader().
    res.setHeader('X-Kit-Probe', 'set')
    if (res.getHeader('x-kit-probe') !== 'set') return null
    res[key]![PROBE.key] = [PROBE.name, PROBE.value]
    res.writeHead(200)
    // What goes on the wire is built from the store when headers are sent.
    const head = (res as unknown as { _header?: unknown })._header
    if (typeof head === 'string' && head.includes(`\r\n${PROBE.name}: ${PROBE.value}\r\n`)) storeKey = key
  } catch {
    storeKey = null
  }
  return storeKey
}
const PROBE: PreparedHeader = { key: 'x-kit-probe', name: 'X-Kit-Probe', value: 'yes' }

const nodeSetHeader = OutgoingMessage.prototype.setHeader

/**
 * Where a response's headers go: node:http's store itself (an object), the
 * framework's own store (`'framework'`: Fastify's reply, which lower-cases
 * every name it is given, so kit hands it lower-case names and it has
 * nothing to convert), or node:http's setHeader() with names as written
 * (`'node'`: they go on the wire as written).
 */
export type HeaderTarget = Store | 'framework' | 'node'

/**
 * The store when the framework's response is the node:http one (Express),
 * has not been sent, and nobody wrapped its setHeader (instrumentation that
 * watches headers keeps seeing every call).
 */
export function headerTargetOf<Req, Res>(io: FrameworkIO<Req, Res>, res: Res): HeaderTarget {
  const raw = io.rawResponse?.(res)
  if (raw === undefined || (raw as unknown) !== res) return 'framework'
  if (raw.headersSent || raw.setHeader !== nodeSetHeader) return 'node'
  const key = headerStoreKey()
  if (key === null) return 'node'
  const withStore = raw as WithStore
  let store = withStore[key]
  if (store === null || store === undefined) {
    store = Object.create(null) as Store
    withStore[key] = store
  }
  return store
}

/**
 * Writes one header: into the store when there is one (a fresh entry each
 * time: Node's appendHeader() mutates entries in place), else through the
 * framework. `value` defaults to the prepared one.
 */
export function writeHeader<Req, Res>(
  io: FrameworkIO<Req, Res>,
  res: Res,
  target: HeaderTarget,
  header: PreparedHeader,
  value: string = header.value,
): void {
  if (typeof target === 'object') target[header.key] = [header.name, value]
  else io.setHeader(res, target === 'framework' ? header.key : header.name, value)
}

/** Removes a header kit never sends (X-Powered-By) without a call when it is not there. */
export function removeHeader<Req, Res>(
  io: FrameworkIO<Req, Res>,
  res: Res,
  target: HeaderTarget,
  header: PreparedHeader,
): void {
  if (typeof target !== 'object') io.removeHeader(res, target === 'framework' ? header.key : header.name)
  else if (target[header.key] !== undefined) delete target[header.key]
}
