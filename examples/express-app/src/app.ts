import { productionize } from '@kit/core'
import { cookieName, formText, readCookie, secureCookie } from '@kit/security'
import express from 'express'
import config from '../kit.config.ts'
import { homePage, signInMail } from './pages.ts'
import { createSessions } from './sessions.ts'
import { verifyLogin } from './users.ts'

const app = express()
// Validates env (one error listing every problem), then installs logging,
// health routes, HTTPS/HSTS, headers with a CSP nonce, CORS, CSRF, rate
// limits and body limits, in that order.
const kit = await productionize(app, config)
const sessions = createSessions(kit.env.SESSION_SECRET)
// secureCookie() adds Secure, HttpOnly, SameSite=Lax and the __Host- prefix.
const SESSION_COOKIE = cookieName('session')

app.get('/', async (req, res) => {
  const userId = sessions.read(readCookie(req.headers.cookie, SESSION_COOKIE))
  const user = userId === undefined ? undefined : await kit.db('users').where({ id: userId }).first('email')
  res.type('html').send(homePage({ nonce: res.locals.cspNonce, email: user?.email }))
})

app.get('/api/hello', (_req, res) => {
  res.json({ hello: 'world' })
})

// In the 'auth' rate-limit tier (kit.config: '/auth' → 'auth'); failed logins also count toward the brute-force block.
app.post('/auth/login', async (req, res) => {
  // formText() refuses what is not plain text (missing, arrays, objects, NUL and other control characters,
  // too long): hostile input gets a 400 here and never reaches the database.
  const fields = (req.body ?? {}) as { email?: unknown; password?: unknown }
  const email = formText(fields.email, { maxLength: 254 })
  const password = formText(fields.password, { maxLength: 1024 })
  if (!email?.includes('@') || !password) {
    res
      .status(400)
      .type('html')
      .send(homePage({ nonce: res.locals.cspNonce, message: 'Enter your email address and password.' }))
    return
  }
  const user = await verifyLogin(kit.db, email, password)
  if (!user) {
    res
      .status(401)
      .type('html')
      .send(homePage({ nonce: res.locals.cspNonce, message: 'Wrong email or password.' }))
    return
  }
  res.setHeader(
    'Set-Cookie',
    secureCookie('session', sessions.issue(user.id), { maxAge: sessions.maxAgeSeconds }),
  )
  // In development the mail is an .eml file under .kit/mail; in production, the MAIL_PROVIDER chain.
  await kit.mailer?.send({
    to: user.email,
    subject: 'New sign-in to the kit example',
    ...signInMail(user.email),
    idempotencyKey: `sign-in-${user.id}-${Date.now()}`,
  })
  res.redirect(303, '/')
})

// In the 'ai' rate-limit tier (AI_RATE_LIMIT_PER_MINUTE).
app.post('/api/ai/complete', (req, res) => {
  const prompt = (req.body as { prompt?: unknown } | undefined)?.prompt
  if (typeof prompt !== 'string' || prompt.length === 0 || prompt.length > 2000) {
    res
      .status(400)
      .json({ error: { status: 400, message: 'Send {"prompt": "..."} with 1 to 2000 characters.' } })
    return
  }
  // A stand-in for a model call: the point is the tier, the body limit and the JSON errors around it.
  res.json({ completion: prompt.split('').reverse().join(''), model: 'reverse-1' })
})

await kit.listen()
