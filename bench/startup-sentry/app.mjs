// The measured app: Express with kit's Sentry error middleware, as an app
// would run in production (compiled JS, plain node, optional preload).
import { createRequire } from 'node:module'
import express from 'express'
import { sentryErrorHandler } from '../../packages/sentry/dist/express.js'

const app = express()
app.get('/', (_req, res) => {
  res.json({ ok: true })
})
app.get('/stats', (_req, res) => {
  // CommonJS modules from @sentry (ES modules are counted by record-loads.mjs).
  const cjsSentry = Object.keys(createRequire(import.meta.url).cache).filter((file) =>
    file.includes('/@sentry/'),
  )
  const cpu = process.cpuUsage()
  res.json({
    rss: process.memoryUsage().rss,
    cpuMs: (cpu.user + cpu.system) / 1000,
    cjsSentry: cjsSentry.length,
  })
})
app.use(sentryErrorHandler())

const server = app.listen(Number(process.env.PORT ?? 0), '127.0.0.1', () => {
  console.log(`listening ${server.address().port}`)
})
