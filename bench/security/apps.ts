/**
 * The benchmarked apps: headers + CORS on Express and Fastify, three ways —
 * bare (no middleware, the floor), by hand (helmet + cors wired as their
 * READMEs show, with a CSP nonce and a hand-written Permissions-Policy so the
 * header sets match), and @kit/security (the `headers` and `cors` steps).
 */
import { randomBytes } from 'node:crypto'
import fastifyCors from '@fastify/cors'
import fastifyHelmet from '@fastify/helmet'
import { createSecurity } from '@kit/security'
import { kitSecurity as expressSecurity } from '@kit/security/express'
import { kitSecurity as fastifySecurity } from '@kit/security/fastify'
import cors from 'cors'
import express, { type RequestHandler } from 'express'
import Fastify, { type FastifyInstance } from 'fastify'
import helmet from 'helmet'

export const VARIANTS = [
  'express-bare',
  'express-hand',
  'express-kit',
  'fastify-bare',
  'fastify-hand',
  'fastify-kit',
] as const
export type Variant = (typeof VARIANTS)[number]

export const ALLOWED_ORIGIN = 'https://app.example.com'
const ORIGINS = [ALLOWED_ORIGIN, 'https://admin.example.com']
// What a hand-written allowlist with subdomains looks like (anchored, dots escaped).
const ORIGIN_PATTERN = /^https:\/\/[a-z0-9-]+\.example\.com$/
const PERMISSIONS_POLICY =
  'accelerometer=(), browsing-topics=(), camera=(), display-capture=(), geolocation=(), gyroscope=(), hid=(), idle-detection=(), magnetometer=(), microphone=(), midi=(), payment=(), serial=(), usb=(), xr-spatial-tracking=()'

// @fastify/helmet adds its own nonces to script-src and style-src (enableCSPNonces).
const directives = (nonce?: (req: unknown, res: any) => string) => ({
  defaultSrc: ["'none'"],
  scriptSrc: nonce ? ["'self'", nonce] : ["'self'"],
  styleSrc: nonce ? ["'self'", nonce] : ["'self'"],
  imgSrc: ["'self'", 'data:'],
  fontSrc: ["'self'"],
  connectSrc: ["'self'"],
  manifestSrc: ["'self'"],
  mediaSrc: ["'self'"],
  workerSrc: ["'self'"],
  objectSrc: ["'none'"],
  baseUri: ["'none'"],
  formAction: ["'self'"],
  frameAncestors: ["'none'"],
  upgradeInsecureRequests: null,
})

const kitOptions = { cors: { origins: [...ORIGINS, 'https://*.example.com'], credentials: true } }
const kitContext = { env: { NODE_ENV: 'bench' } }

/** The middleware an Express variant installs, in order. */
export function expressChain(variant: Variant): RequestHandler[] {
  if (variant === 'express-hand') {
    return [
      function nonce(_req, res, next) {
        res.locals.cspNonce = randomBytes(16).toString('base64')
        next()
      },
      helmet({
        contentSecurityPolicy: {
          useDefaults: false,
          directives: directives((_req, res) => `'nonce-${res.locals.cspNonce}'`),
        },
        referrerPolicy: { policy: 'strict-origin-when-cross-origin' },
        strictTransportSecurity: { maxAge: 63072000 },
      }),
      function permissionsPolicy(_req, res, next) {
        res.setHeader('Permissions-Policy', PERMISSIONS_POLICY)
        next()
      },
      cors({ origin: [...ORIGINS, ORIGIN_PATTERN], credentials: true, maxAge: 600 }),
    ]
  }
  if (variant === 'express-kit') {
    return expressSecurity(createSecurity(kitOptions, kitContext), { steps: ['headers', 'cors'] })
  }
  return []
}

/** The app of a variant, not listening: an Express app or a ready Fastify instance. */
export async function buildApp(
  variant: Variant,
): Promise<{ framework: 'express'; app: express.Express } | { framework: 'fastify'; app: FastifyInstance }> {
  if (variant.startsWith('express')) {
    const app = express()
    app.disable('x-powered-by')
    app.set('trust proxy', 'loopback')
    for (const handler of expressChain(variant)) app.use(handler)
    app.get('/api/hello', (_req, res) => {
      res.json({ hello: 'world' })
    })
    return { framework: 'express', app }
  }
  const app: FastifyInstance = Fastify({ trustProxy: '127.0.0.1' })
  if (variant === 'fastify-hand') {
    await app.register(fastifyHelmet, {
      enableCSPNonces: true,
      contentSecurityPolicy: { useDefaults: false, directives: directives() },
      referrerPolicy: { policy: 'strict-origin-when-cross-origin' },
      strictTransportSecurity: { maxAge: 63072000 },
    })
    app.addHook('onRequest', (_request, reply, done) => {
      reply.header('permissions-policy', PERMISSIONS_POLICY)
      done()
    })
    await app.register(fastifyCors, { origin: [...ORIGINS, ORIGIN_PATTERN], credentials: true, maxAge: 600 })
  } else if (variant === 'fastify-kit') {
    await app.register(fastifySecurity, {
      security: createSecurity(kitOptions, kitContext),
      steps: ['headers', 'cors'],
    })
  }
  app.get('/api/hello', (_request, reply) => {
    reply.send({ hello: 'world' })
  })
  await app.ready()
  return { framework: 'fastify', app }
}

export async function createApp(variant: Variant): Promise<{ listen(): Promise<number> }> {
  const built = await buildApp(variant)
  if (built.framework === 'express') {
    const { app } = built
    return {
      listen: () =>
        new Promise((resolve) => {
          const server = app.listen(0, '127.0.0.1', () =>
            resolve((server.address() as { port: number }).port),
          )
        }),
    }
  }
  const { app } = built
  return {
    listen: async () => {
      await app.listen({ port: 0, host: '127.0.0.1' })
      return (app.server.address() as { port: number }).port
    },
  }
}
