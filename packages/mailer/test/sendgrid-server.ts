/**
 * A local HTTP server that behaves like SendGrid's v3 Mail Send API as
 * documented: Bearer auth, request validation, 202 + X-Message-Id, JSON
 * `{ errors: [{ message, field, help }] }` failures, 413 on large bodies,
 * 429 with X-RateLimit-* headers. Scripted answers let tests inject outages;
 * `requests` counts every call and `deliveries` what was accepted.
 */
import { randomBytes } from 'node:crypto'
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import type { ReceivedMail } from './received-mail.ts'

export const SENDGRID_TEST_KEY = `SG.${'k'.repeat(22)}.${'s'.repeat(43)}`

export interface ScriptedAnswer {
  status: number
  body?: unknown
  headers?: Record<string, string>
  /** Seconds for Retry-After (429/503); a 429 also gets X-RateLimit-Reset. */
  retryAfter?: number
  /** Never answer: the request hangs until the client gives up. */
  hang?: boolean
  /** Accept (deliver) the message, then answer with `status` anyway: a failure after queueing. */
  deliverFirst?: boolean
}

export interface SendGridRequest {
  headers: IncomingMessage['headers']
  body: any
  answeredWith: number | 'hang'
}

export interface FakeSendGrid {
  url: string
  requests: SendGridRequest[]
  deliveries: { messageId: string; body: any }[]
  /** Queue answers for the next POST /v3/mail/send calls, in order. */
  script(...answers: ScriptedAnswer[]): void
  received(): ReceivedMail[]
  reset(): void
  close(): Promise<void>
}

export interface FakeSendGridOptions {
  /** API key → scopes. @default { [SENDGRID_TEST_KEY]: ['mail.send'] } */
  keys?: Record<string, string[]>
  /** Sender addresses or domains with a verified Sender Identity. @default any */
  verifiedSenders?: string[]
  /** @default 30 MB, SendGrid's limit */
  maxBodyBytes?: number
}

const EMAIL = /^[^\s@<>]+@[^\s@<>]+\.[^\s@<>]+$/

export async function startFakeSendGrid(options: FakeSendGridOptions = {}): Promise<FakeSendGrid> {
  const keys = options.keys ?? { [SENDGRID_TEST_KEY]: ['mail.send'] }
  const maxBody = options.maxBodyBytes ?? 30 * 1024 * 1024
  const queue: ScriptedAnswer[] = []
  const requests: SendGridRequest[] = []
  const deliveries: { messageId: string; body: any }[] = []

  const server = createServer(async (req, res) => {
    const raw = await readBody(req, maxBody)
    const path = new URL(req.url ?? '/', 'http://x').pathname
    const key = /^Bearer (.+)$/.exec(req.headers.authorization ?? '')?.[1]
    if (path === '/v3/scopes' && req.method === 'GET') {
      if (!key || !keys[key])
        return errors(res, 401, 'The provided authorization grant is invalid, expired, or revoked')
      return json(res, 200, { scopes: keys[key] })
    }
    if (path !== '/v3/mail/send') return errors(res, 404, 'not found')
    if (req.method !== 'POST') return errors(res, 405, 'method not allowed')
    let body: any
    try {
      body = raw === 'too-large' ? undefined : JSON.parse(raw.toString('utf8'))
    } catch {
      body = undefined
    }
    const record: SendGridRequest = { headers: req.headers, body, answeredWith: 0 }
    requests.push(record)
    const answer = (status: number, send: () => void) => {
      record.answeredWith = status
      send()
    }
    if (!key) return answer(401, () => errors(res, 401, 'authorization required'))
    if (!keys[key])
      return answer(401, () =>
        errors(res, 401, 'The provided authorization grant is invalid, expired, or revoked'),
      )
    if (!keys[key].includes('mail.send')) return answer(403, () => errors(res, 403, 'access forbidden'))
    if (raw === 'too-large') return answer(413, () => errors(res, 413, 'content too large'))
    const scripted = queue.shift()
    if (scripted?.hang) {
      record.answeredWith = 'hang'
      return
    }
    if (scripted && !scripted.deliverFirst)
      return answer(scripted.status, () => respondScripted(res, scripted))
    if (body === undefined) return answer(400, () => errors(res, 400, 'Bad Request', null))
    const problems = validate(body, options.verifiedSenders)
    if (problems.length) {
      const status = problems.some((p) => p.status === 403) ? 403 : 400
      return answer(status, () => json(res, status, { errors: problems.map(({ status: _s, ...p }) => p) }))
    }
    const messageId = randomBytes(11).toString('base64url')
    deliveries.push({ messageId, body })
    if (scripted) return answer(scripted.status, () => respondScripted(res, scripted))
    answer(202, () => {
      res.writeHead(202, { 'x-message-id': messageId, 'content-length': '0' })
      res.end()
    })
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
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections()
        server.close(() => resolve())
      }),
  }
}

const DEFAULT_MESSAGES: Record<number, string> = {
  400: 'Bad Request',
  401: 'authorization required',
  403: 'access forbidden',
  413: 'content too large',
  422: 'unprocessable entity',
  429: 'too many requests',
  500: 'internal server error',
  503: 'service unavailable',
}

function respondScripted(res: ServerResponse, answer: ScriptedAnswer): void {
  const headers: Record<string, string> = { ...answer.headers }
  if (answer.status === 429) {
    headers['x-ratelimit-limit'] ??= '600'
    headers['x-ratelimit-remaining'] ??= '0'
    headers['x-ratelimit-reset'] ??= String(Math.ceil(Date.now() / 1000) + (answer.retryAfter ?? 1))
  }
  if (answer.retryAfter !== undefined) headers['retry-after'] ??= String(answer.retryAfter)
  const body = answer.body ?? {
    errors: [{ field: null, message: DEFAULT_MESSAGES[answer.status] ?? 'error' }],
  }
  json(res, answer.status, body, headers)
}

function validate(
  body: any,
  verifiedSenders: string[] | undefined,
): { message: string; field: string | null; help?: string; status?: number }[] {
  const problems: { message: string; field: string | null; help?: string; status?: number }[] = []
  const p = body?.personalizations
  if (!Array.isArray(p) || p.length < 1 || p.length > 1000) {
    problems.push({
      message: 'The personalizations field is required and must have at least one personalization.',
      field: 'personalizations',
    })
    return problems
  }
  const seen = new Set<string>()
  let total = 0
  p.forEach((entry: any, i: number) => {
    if (!Array.isArray(entry?.to) || entry.to.length === 0) {
      problems.push({
        message:
          'The to array is required for all personalization objects, and must have at least one email object with a valid email address.',
        field: `personalizations.${i}.to`,
      })
    }
    for (const kind of ['to', 'cc', 'bcc']) {
      ;(entry?.[kind] ?? []).forEach((a: any, j: number) => {
        total++
        if (typeof a?.email !== 'string' || !EMAIL.test(a.email)) {
          problems.push({
            message: 'Does not contain a valid address.',
            field: `personalizations.${i}.${kind}.${j}.email`,
          })
        } else if (seen.has(a.email.toLowerCase())) {
          problems.push({
            message:
              'Each email address in the personalization block should be unique between to, cc, and bcc. We found the first duplicate instance of [' +
              a.email +
              '] in the personalizations.' +
              i +
              '.' +
              kind +
              ' field.',
            field: `personalizations.${i}.${kind}`,
          })
        } else seen.add(a.email.toLowerCase())
      })
    }
    if (!body.subject && !entry?.subject && !body.template_id) {
      problems.push({
        message:
          'The subject is required. You can get around this requirement if you use a template with a subject defined or if every personalization has a subject defined.',
        field: 'subject',
      })
    }
  })
  if (total > 1000)
    problems.push({
      message: 'The personalizations field can have a maximum of 1000 recipients.',
      field: 'personalizations',
    })
  if (typeof body.from?.email !== 'string' || !EMAIL.test(body.from.email)) {
    problems.push({ message: 'The from email does not contain a valid address.', field: 'from.email' })
  } else if (
    verifiedSenders &&
    !verifiedSenders.some((s) => body.from.email === s || body.from.email.endsWith(`@${s}`))
  ) {
    problems.push({
      message:
        'The from address does not match a verified Sender Identity. Mail cannot be sent until this error is resolved.',
      field: 'from',
      help: 'https://sendgrid.com/docs/for-developers/sending-email/sender-identity/',
      status: 403,
    })
  }
  if (body.reply_to && body.reply_to_list) {
    problems.push({
      message: 'The reply_to and reply_to_list fields cannot both be used.',
      field: 'reply_to',
    })
  }
  if (!body.template_id) {
    const content = body.content
    if (
      !Array.isArray(content) ||
      content.length === 0 ||
      content.some((c: any) => typeof c?.value !== 'string' || c.value === '')
    ) {
      problems.push({
        message:
          'Unless a valid template_id is provided, the content parameter is required. There must be at least one defined content block.',
        field: 'content',
      })
    } else if (
      content.length > 1 &&
      content[0].type !== 'text/plain' &&
      content.some((c: any) => c.type === 'text/plain')
    ) {
      problems.push({
        message: 'If present, text/plain content must be first, followed by any other content.',
        field: 'content',
      })
    }
  }
  ;(body.attachments ?? []).forEach((a: any, i: number) => {
    if (typeof a?.content !== 'string' || !/^[A-Za-z0-9+/]*={0,2}$/.test(a.content)) {
      problems.push({
        message: 'The attachment content must be base64 encoded.',
        field: `attachments.${i}.content`,
      })
    }
    if (typeof a?.filename !== 'string' || a.filename === '') {
      problems.push({
        message: 'The attachment filename parameter is required.',
        field: `attachments.${i}.filename`,
      })
    }
  })
  return problems
}

function toReceived(body: any): ReceivedMail {
  const p = body.personalizations[0]
  const list = (v: any[] | undefined) => (v ?? []).map((a) => a.email as string)
  const content = (type: string) =>
    (body.content as any[]).find((c) => c.type === type)?.value as string | undefined
  const text = content('text/plain')
  const html = content('text/html')
  const replyTo = body.reply_to ? [body.reply_to.email] : list(body.reply_to_list)
  const headers: Record<string, string> = {}
  for (const [k, v] of Object.entries(body.headers ?? {})) headers[k.toLowerCase()] = String(v)
  return {
    from: { email: body.from.email, name: body.from.name ?? '' },
    to: list(p.to),
    cc: list(p.cc),
    bcc: list(p.bcc),
    replyTo,
    subject: body.subject,
    ...(text === undefined ? {} : { text }),
    ...(html === undefined ? {} : { html }),
    attachments: (body.attachments ?? []).map((a: any) => ({
      filename: a.filename,
      contentType: a.type,
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
    let tooLarge = false
    req.on('data', (chunk: Buffer) => {
      size += chunk.length
      if (size > max) tooLarge = true
      else chunks.push(chunk)
    })
    req.on('end', () => resolve(tooLarge ? 'too-large' : Buffer.concat(chunks)))
    req.on('error', reject)
  })
}

function errors(res: ServerResponse, status: number, message: string, field: string | null = null): void {
  json(res, status, { errors: [{ field, message }] })
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
    ...headers,
  })
  res.end(text)
}
