/**
 * What every HTTP variant shares, so the table compares equal work: the same
 * allow-list, limits, log sink, routes and requests.
 */
import { pino } from 'pino'

/** The CORS allow-list of every variant that has CORS. */
export const ALLOWED_ORIGINS = ['https://app.example.com', 'https://admin.example.com'] as const
/** High enough that no request is ever refused: the cost measured is counting, not refusing. */
export const RATE_LIMIT_PER_MINUTE = 1_000_000_000
/** express.json / Fastify bodyLimit / MAX_UPLOAD_SIZE: 1 MiB everywhere. */
export const BODY_LIMIT = 1_048_576

/** Every logging variant writes to the same kind of sink: synchronous writes to /dev/null. */
export function logSink(): pino.DestinationStream {
  return pino.destination({ dest: '/dev/null', sync: true })
}

/** GET /hello answers this text. */
export const HELLO = 'hello'

/** POST /echo receives this JSON and answers `{ ok: true, items: 3 }`. */
export const ECHO_BODY: string = JSON.stringify({
  user: 'ada',
  items: [1, 2, 3],
  note: 'a small JSON body, as an API client sends it',
})

export interface EchoAnswer {
  ok: true
  items: number
}

export function echoAnswer(body: unknown): EchoAnswer {
  const items = (body as { items?: unknown[] } | undefined)?.items
  return { ok: true, items: Array.isArray(items) ? items.length : 0 }
}

/**
 * The headers a browser-side API client behind a TLS-terminating proxy sends:
 * an allowed Origin (CORS work happens) and X-Forwarded-Proto from the
 * trusted loopback proxy (HSTS, secure CSP).
 */
const COMMON_HEADERS = {
  origin: ALLOWED_ORIGINS[0],
  'x-forwarded-proto': 'https',
  accept: '*/*',
  'user-agent': 'kit-bench',
}

export const SCENARIOS = {
  'GET /hello': { method: 'GET' as const, path: '/hello', headers: COMMON_HEADERS },
  'POST /echo': {
    method: 'POST' as const,
    path: '/echo',
    headers: { ...COMMON_HEADERS, 'content-type': 'application/json' },
    body: ECHO_BODY,
  },
}
export type ScenarioName = keyof typeof SCENARIOS
export const SCENARIO_NAMES = Object.keys(SCENARIOS) as ScenarioName[]

/** The env productionize() reads in every kit variant (NODE_ENV=production, as deployed). */
export function kitEnv(extra: Record<string, string | undefined> = {}): Record<string, string | undefined> {
  return {
    NODE_ENV: 'production',
    LOG_LEVEL: 'info',
    TRUST_PROXY: 'loopback',
    ALLOWED_ORIGINS: ALLOWED_ORIGINS.join(','),
    RATE_LIMIT_PER_MINUTE: String(RATE_LIMIT_PER_MINUTE),
    MAX_UPLOAD_SIZE: String(BODY_LIMIT),
    ...extra,
  }
}
