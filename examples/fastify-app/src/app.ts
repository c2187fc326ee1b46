import { fastifyOptions, productionize } from '@kit/core'
import { cookieName, formText, readCookie, secureCookie } from '@kit/security'
import Fastify from 'fastify'
import config from '../kit.config.ts'
import { homePage, signInMail } from './pages.ts'
import { createSessions } from './sessions.ts'
import { verifyLogin } from './users.ts'

// Fastify reads its logger and trustProxy only at construction: kit's options
// give it the same pino instance and the TRUST_PROXY rule.
const app = Fastify(fastifyOptions(config))
const kit = await productionize(app, config)
const sessions = createSessions(kit.env.SESSION_SECRET)
// secureCookie() adds Secure, HttpOnly, SameSite=Lax and the __Host- prefix.
const SESSION_COOKIE = cookieName('session')

app.get('/', async (request, reply) => {
  const userId = sessions.read(readCookie(request.headers.cookie, SESSION_COOKIE))
  const user = userId === undefined ? undefined : await kit.db('users').where({ id: userId }).first('email')
  return reply.type('text/html; charset=utf-8').send(homePage({ nonce: reply.cspNonce, email: user?.email }))
})

app.get('/api/hello', async () => ({ hello: 'world' }))

// In the 'auth' rate-limit tier (kit.config: '/auth' → 'auth'); failed logins also count toward the brute-force block.
app.post('/auth/login', async (request, reply) => {
  // formText() refuses what is not plain text (missing, arrays, objects, NUL and other control characters,
  // too long): hostile input gets a 400 here and never reaches the database.
  const fields = (request.body ?? {}) as { email?: unknown; password?: unknown }
  const email = formText(fields.email, { maxLength: 254 })
  const password = formText(fields.password, { maxLength: 1024 })
  if (!email?.includes('@') || !password) {
    return reply
      .code(400)
      .type('text/html; charset=utf-8')
      .send(homePage({ nonce: reply.cspNonce, message: 'Enter your email address and password.' }))
  }
  const user = await verifyLogin(kit.db, email, password)
  if (!user) {
    return reply
      .code(401)
      .type('text/html; charset=utf-8')
      .send(homePage({ nonce: reply.cspNonce, message: 'Wrong email or password.' }))
  }
  reply.header(
    'set-cookie',
    secureCookie('session', sessions.issue(user.id), { maxAge: sessions.maxAgeSeconds }),
  )
  // In development the mail is an .eml file under .kit/mail; in production, the MAIL_PROVIDER chain.
  await kit.mailer?.send({
    to: user.email,
    subject: 'New sign-in to the kit example',
    ...signInMail(user.email),
    idempotencyKey: `sign-in-${user.id}-${Date.now()}`,
  })
  return reply.redirect('/', 303)
})

// In the 'ai' rate-limit tier (AI_RATE_LIMIT_PER_MINUTE).
app.post('/api/ai/complete', async (request, reply) => {
  const prompt = (request.body as { prompt?: unknown } | undefined)?.prompt
  if (typeof prompt !== 'string' || prompt.length === 0 || prompt.length > 2000) {
    return reply
      .code(400)
      .send({ error: { status: 400, message: 'Send {"prompt": "..."} with 1 to 2000 characters.' } })
  }
  // A stand-in for a model call: the point is the tier, the body limit and the JSON errors around it.
  return { completion: prompt.split('').reverse().join(''), model: 'reverse-1' }
})

await kit.listen()
