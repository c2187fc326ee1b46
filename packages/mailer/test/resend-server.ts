/**
 * A local HTTP server that behaves like Resend's POST /emails as documented:
 * Bearer auth (missing_api_key 401, invalid_api_key 403, restricted keys),
 * validation (422), 200 {id}, `{ statusCode, name, message }` errors,
 * ratelimit-* headers on every answer and retry-after on 429, and
 * Idempotency-Key semantics: a replay returns the first id without sending
 * again, a different body is 409 invalid_idempotent_request, a replay while
 * the first is in flight is 409 concurrent_idempotent_requests.
 */
import { createHash, randomUUID } from 'node:crypto'
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import { parseAddressString, type ReceivedMail } from './received-mail.ts'

export const RESEND_TEST_KEY = `re_${'t'.repeat(32)}`
/** A "sending access" key: may send, may not list domains. */
export const RESEND_SENDING_KEY = `re_${'s'.repeat(32)}`

export interface ResendScriptedAnswer {
  status: number
  /** Resend's error name, e.g. 'rate_limit_exceeded'. */
  name?: string
  message?: string
  retryAfter?: number
  hang?: boolean
  /** Accept (and remember under the idempotency key) first, then answer with `status`. */
  deliverFirst?: boolean
  /** Delay before answering, in ms (keeps the idempotency key "in progress"). */
  delayMs?: number
}

export interface ResendRequest {
  headers: IncomingMessage['headers']
  body: any
  idempotencyKey: string | undefined
  answeredWith: number | 'hang'
}

export interface FakeResend {
  url: string
  requests: ResendRequest[]
  deliveries: { id: string; body: any; idempotencyKey: string | undefined }[]
  script(...answers: ResendScriptedAnswer[]): void
  received(): ReceivedMail[]
  reset(): void
  close(): Promise<void>
}

export interface FakeResendOptions {
  /** Domains verified for sending. @default any */
  verifiedDomains?: string[]
  /** @default 40 MB */
  maxBodyBytes?: number
}

const EMAIL = /^[^\s@<>]+@[^\s@<>]+\.[^\s@<>]+$/
const TAG = /^[A-Za-z0-9_-]{1,256}$/

export async function startFakeResend(options: FakeResendOptions = {}): Promise<FakeResend> {
  const maxBody = options.maxBodyBytes ?? 40 * 1024 * 1024
  const queue: ResendScriptedAnswer[] = []
  const requests: ResendRequest[] = []
  const deliveries: { id: string; body: any; idempotencyKey: string | undefined }[] = []
  const idempotent = new Map<string, { hash: string; id?: string; inProgress: boolean }>()

  const server = createServer(async (req, res) => {
    const raw = await readBody(req, maxBody)
    const path = new URL(req.url ?? '/', 'http://x').pathname
    const key = /^Bearer (.+)$/.exec(req.headers.authorization ?? '')?.[1]
    if (!key) return error(res, 401, 'missing_api_key', 'Missing API key in the authorization header')
    if (key !== RESEND_TEST_KEY && key !== RESEND_SENDING_KEY)
      return error(res, 403, 'invalid_api_key', 'API key is invalid')
    if (path === '/domains' && req.method === 'GET') {
      if (key === RESEND_SENDING_KEY)
        return error(res, 401, 'restricted_api_key', 'This API key is restricted to only send emails')
      const data = (options.verifiedDomains ?? ['example.com']).map((name) => ({
        id: randomUUID(),
        name,
        status: 'verified',
      }))
      return json(res, 200, { object: 'list', data })
    }
    if (path !== '/emails') return error(res, 404, 'not_found', 'The requested endpoint does not exist.')
    if (req.method !== 'POST')
      return error(res, 405, 'method_not_allowed', 'Method is not allowed for the requested path.')
    const idempotencyKey = req.headers['idempotency-key'] as string | undefined
    let body: any
    try {
      body = raw === 'too-large' ? undefined : JSON.parse(raw.toString('utf8'))
    } catch {
      body = undefined
    }
    const record: ResendRequest = { headers: req.headers, body, idempotencyKey, answeredWith: 0 }
    requests.push(record)
    const answer = (status: number, name: string, message: string, headers: Record<string, string> = {}) => {
      record.answeredWith = status
      error(res, status, name, message, headers)
    }
    if (raw === 'too-large') return answer(413, 'validation_error', 'Request body is too large.')
    if (idempotencyKey !== undefined && (idempotencyKey.length < 1 || idempotencyKey.length > 256)) {
      return answer(400, 'invalid_idempotency_key', 'The key must be between 1-256 chars.')
    }
    const hash = createHash('sha256')
      .update(raw as Buffer)
      .digest('hex')
    const previous = idempotencyKey ? idempotent.get(idempotencyKey) : undefined
    if (previous) {
      if (previous.hash !== hash) {
        return answer(
          409,
          'invalid_idempotent_request',
          'Same idempotency key used with a different request payload. Change your idempotency key or payload.',
        )
      }
      if (previous.inProgress) {
        return answer(
          409,
          'concurrent_idempotent_requests',
          'Same idempotency key used while original request is still in progress. Try the request again later.',
        )
      }
      // Replay: the same answer as the first time, no second delivery.
      record.answeredWith = 200
      return json(res, 200, { id: previous.id })
    }
    const scripted = queue.shift()
    if (scripted?.hang) {
      record.answeredWith = 'hang'
      return
    }
    if (scripted && !scripted.deliverFirst) {
      const headers: Record<string, string> =
        scripted.retryAfter === undefined ? {} : { 'retry-after': String(scripted.retryAfter) }
      return answer(
        scripted.status,
        scripted.name ?? defaultName(scripted.status),
        scripted.message ?? 'scripted failure',
        headers,
      )
    }
    if (body === undefined) return answer(422, 'validation_error', 'Invalid JSON body.')
    const problem = validate(body, options.verifiedDomains)
    if (problem) return answer(problem.status, problem.name, problem.message)
    const entry = { hash, inProgress: true } as { hash: string; id?: string; inProgress: boolean }
    if (idempotencyKey) idempotent.set(idempotencyKey, entry)
    const id = randomUUID()
    entry.id = id
    deliveries.push({ id, body, idempotencyKey })
    if (scripted?.delayMs) await new Promise((r) => setTimeout(r, scripted.delayMs))
    entry.inProgress = false
    if (scripted && scripted.status >= 300) {
      return answer(
        scripted.status,
        scripted.name ?? defaultName(scripted.status),
        scripted.message ?? 'scripted failure',
      )
    }
    record.answeredWith = 200
    json(res, 200, { id })
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as AddressInfo

  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    deliveries,
    script: (...answers) => queue.push(...answers),
    received: () => deliveries.map((d) => toReceived(d.body)),
    reset() {
      queue.length = 0
      requests.length = 0
      deliveries.length = 0
      idempotent.clear()
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections()
        server.close(() => resolve())
      }),
  }
}

function defaultName(status: number): string {
  return (
    (
      {
        400: 'validation_error',
        401: 'missing_api_key',
        403: 'invalid_api_key',
        409: 'concurrent_idempotent_requests',
        422: 'validation_error',
        429: 'rate_limit_exceeded',
        500: 'internal_server_error',
        503: 'service_unavailable',
      } as Record<number, string>
    )[status] ?? 'application_error'
  )
}

function validate(
  body: any,
  verifiedDomains: string[] | undefined,
): { status: number; name: string; message: string } | undefined {
  const list = (v: unknown) => (v === undefined ? [] : Array.isArray(v) ? v : [v])
  if (!body.from) return { status: 422, name: 'missing_required_field', message: 'Missing `from` field.' }
  const from = parseAddressString(String(body.from))
  if (!EMAIL.test(from.email))
    return {
      status: 422,
      name: 'invalid_from_address',
      message:
        'Invalid `from` field. The email address needs to follow the `email@example.com` or `Name <email@example.com>` format.',
    }
  const domain = from.email.slice(from.email.lastIndexOf('@') + 1)
  if (verifiedDomains && !verifiedDomains.includes(domain)) {
    return {
      status: 403,
      name: 'validation_error',
      message: `The ${domain} domain is not verified. Please, add and verify your domain on https://resend.com/domains`,
    }
  }
  const to = list(body.to)
  if (to.length === 0) return { status: 422, name: 'missing_required_field', message: 'Missing `to` field.' }
  if (to.length > 50)
    return { status: 422, name: 'validation_error', message: 'Too many recipients. The maximum is 50.' }
  for (const field of ['to', 'cc', 'bcc', 'reply_to']) {
    for (const value of list(body[field])) {
      if (!EMAIL.test(parseAddressString(String(value)).email)) {
        return {
          status: 422,
          name: 'validation_error',
          message: `Invalid \`${field}\` field. The email address needs to follow the \`email@example.com\` or \`Name <email@example.com>\` format.`,
        }
      }
    }
  }
  if (!body.subject && !body.template)
    return { status: 422, name: 'missing_required_field', message: 'Missing `subject` field.' }
  if (!body.html && !body.text && !body.template)
    return { status: 422, name: 'validation_error', message: 'Missing `html` or `text` field.' }
  for (const tag of body.tags ?? []) {
    if (!TAG.test(tag?.name ?? '') || !TAG.test(tag?.value ?? '')) {
      return {
        status: 422,
        name: 'validation_error',
        message: 'Tags should only contain ASCII letters, numbers, underscores, or dashes.',
      }
    }
  }
  for (const a of body.attachments ?? []) {
    if (typeof a?.content !== 'string' || !/^[A-Za-z0-9+/]*={0,2}$/.test(a.content) || !a.filename) {
      return {
        status: 422,
        name: 'invalid_attachment',
        message: 'Attachment must have either a `content` or `path`.',
      }
    }
  }
  return undefined
}

function toReceived(body: any): ReceivedMail {
  const list = (v: unknown) =>
    (v === undefined ? [] : Array.isArray(v) ? v : [v]).map((a) => parseAddressString(String(a)).email)
  const headers: Record<string, string> = {}
  for (const [k, v] of Object.entries(body.headers ?? {})) headers[k.toLowerCase()] = String(v)
  return {
    from: parseAddressString(body.from),
    to: list(body.to),
    cc: list(body.cc),
    bcc: list(body.bcc),
    replyTo: list(body.reply_to),
    subject: body.subject,
    ...(body.text === undefined ? {} : { text: body.text }),
    ...(body.html === undefined ? {} : { html: body.html }),
    attachments: (body.attachments ?? []).map((a: any) => ({
      filename: a.filename,
      contentType: a.content_type,
      content: Buffer.from(a.content, 'base64'),
      ...(a.content_id ? { contentId: a.content_id } : {}),
    })),
    headers,
  }
}

function readBody(req: IncomingMessage, max: number): Promise<Buffer | 'too-large'> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = []
    let size = 0
    req.on('data', (chunk: Buffer) => {
      size += chunk.length
      if (size <= max) chunks.push(chunk)
    })
    req.on('end', () => resolve(size > max ? 'too-large' : Buffer.concat(chunks)))
    req.on('error', reject)
  })
}

let remaining = 2
let windowStart = Date.now()

// Every Resend answer carries the IETF draft rate-limit headers (2 requests per second per team).
function rateLimitHeaders(): Record<string, string> {
  const now = Date.now()
  if (now - windowStart >= 1000) {
    windowStart = now
    remaining = 2
  }
  remaining = Math.max(0, remaining - 1)
  return { 'ratelimit-limit': '2', 'ratelimit-remaining': String(remaining), 'ratelimit-reset': '1' }
}

function error(
  res: ServerResponse,
  status: number,
  name: string,
  message: string,
  headers: Record<string, string> = {},
): void {
  json(res, status, { statusCode: status, name, message }, headers)
}

function json(
  res: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): void {
  const text = JSON.stringify(body)
  res.writeHead(status, {
    'content-type': 'application/json',
    'content-length': Buffer.byteLength(text),
    ...rateLimitHeaders(),
    ...headers,
  })
  res.end(text)
}
