import type { KitLogger } from '@kit/internal'

/** Things kit finds in an app at start-up that it already does, or that it cannot do in that order. */
export type StartupWarning =
  | 'helmet'
  | 'cors'
  | 'pino-http'
  | 'morgan'
  | 'express-rate-limit'
  | '@fastify/helmet'
  | '@fastify/cors'
  | '@fastify/rate-limit'
  | 'own-not-found-handler'
  | 'own-error-handler'
  | 'routes-before-productionize'

interface WarningText {
  /** 'info' when kit does the right thing on its own and only says so. */
  level: 'warn' | 'info'
  what: string
  fix: string
}

const LOGGING = 'kit already logs one line per request, with its request id'

const TEXTS: Record<StartupWarning, WarningText> = {
  helmet: {
    level: 'warn',
    what: "helmet is installed next to kit's security headers: its Content-Security-Policy replaces kit's nonce CSP, so res.locals.cspNonce scripts are blocked",
    fix: 'remove `app.use(helmet())`; tune headers with `security` / `csp` in kit.config',
  },
  cors: {
    level: 'warn',
    what: "cors is installed next to kit's CORS policy: it answers with its own Access-Control-Allow-Origin (`*` by default)",
    fix: 'remove `app.use(cors())`; list the allowed origins in ALLOWED_ORIGINS',
  },
  'pino-http': {
    level: 'warn',
    what: `pino-http logs every request a second time (${LOGGING})`,
    fix: "remove `app.use(pinoHttp())`; req.log and kit.log are kit's request-bound logger",
  },
  morgan: {
    level: 'warn',
    what: `morgan (or another middleware named "logger") logs every request a second time (${LOGGING})`,
    fix: 'remove `app.use(morgan(...))`',
  },
  'express-rate-limit': {
    level: 'warn',
    what: "express-rate-limit is installed next to kit's rate limits: two counters, and clients get two sets of RateLimit headers",
    fix: "remove it; declare tiers in kit.config `rateLimit` and use `kit.limit('tier')` on a route",
  },
  '@fastify/helmet': {
    level: 'warn',
    what: "@fastify/helmet is registered next to kit's security headers: its Content-Security-Policy replaces kit's nonce CSP, so reply.cspNonce scripts are blocked",
    fix: 'remove `app.register(helmet)`; tune headers with `security` / `csp` in kit.config',
  },
  '@fastify/cors': {
    level: 'warn',
    what: "@fastify/cors is registered next to kit's CORS policy: it answers with its own Access-Control-Allow-Origin",
    fix: 'remove `app.register(cors)`; list the allowed origins in ALLOWED_ORIGINS',
  },
  '@fastify/rate-limit': {
    level: 'warn',
    what: "@fastify/rate-limit is registered next to kit's rate limits: two counters, and clients get two sets of rate-limit headers",
    fix: "remove `app.register(rateLimit)`; declare tiers in kit.config `rateLimit` and use route `config: { kitRateLimit: 'tier' }`",
  },
  'own-not-found-handler': {
    level: 'info',
    what: "the app has its own 404 handler: it answers unmatched routes, and kit's is not used",
    fix: "nothing to do; to get kit's 404 body instead, remove it",
  },
  'own-error-handler': {
    level: 'info',
    what: "the app has its own error handler: it answers errors first, and kit's (no internals in production, request id, Sentry) only gets what it passes on",
    fix: "to keep your body shape with kit's safety, remove it and set `errors: { render }` in kit.config",
  },
  'routes-before-productionize': {
    level: 'warn',
    what: 'routes were added before productionize(): they get no request id, security headers or rate limits',
    fix: 'call productionize(app) right after creating the app, before adding routes',
  },
}

/** Logs each warning at most once per app, unless kit.config `silenceWarnings` lists it. */
export function createStartupWarnings(
  log: KitLogger,
  silenced: readonly string[] = [],
): (warning: StartupWarning, detail?: string) => void {
  const seen = new Set<string>(silenced)
  return (warning, detail) => {
    if (seen.has(warning)) return
    seen.add(warning)
    const { level, what, fix } = TEXTS[warning]
    const message = `${what}${detail ? ` (${detail})` : ''}. Fix: ${fix}. Silence with \`silenceWarnings: ['${warning}']\` in kit.config.`
    log[level]({ warning }, message)
  }
}
