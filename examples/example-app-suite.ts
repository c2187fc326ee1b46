// One end-to-end suite for both example apps: they promise the same routes
// (DESIGN §2), so they are held to the same assertions. Each app runs as its
// own process, as `pnpm demo` runs it, against a real Postgres database.
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { migrateUp } from '@kit/migrate'
import {
  createPostgresDatabase,
  freePort,
  type SpawnedProcess,
  spawnTs,
  type TestDatabase,
  WORKSPACE_ROOT,
} from '@kit/test-utils'
import knex from 'knex'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'

export function describeExampleApp(name: 'express-app' | 'fastify-app'): void {
  describe(`examples/${name}`, () => {
    let db: TestDatabase
    let app: SpawnedProcess
    let url: string
    const cwd = mkdtempSync(join(tmpdir(), `kit-${name}-`))

    beforeAll(async () => {
      db = await createPostgresDatabase(name.replace('-', '_'))
      const connection = knex({ client: 'pg', connection: db.url })
      await migrateUp({ knex: connection, directory: join(WORKSPACE_ROOT, 'examples', name, 'migrations') })
      await connection.destroy()
      const port = await freePort()
      url = `http://127.0.0.1:${port}`
      app = spawnTs(join(WORKSPACE_ROOT, 'examples', name, 'src', 'app.ts'), [], {
        cwd,
        env: {
          NODE_ENV: 'development',
          PORT: String(port),
          DATABASE_URL: db.url,
          MAIL_PROVIDER: 'file',
          MAIL_FROM: 'Kit Example <hello@example.com>',
          AI_RATE_LIMIT_PER_MINUTE: '3',
          // The hostile-input test sends many login posts; the auth tier itself is tested in @kit/core.
          AUTH_RATE_LIMIT_PER_MINUTE: '100',
          LOG_LEVEL: 'info',
        },
      })
      await app.waitFor('listening on', 30_000)
      // As a platform router does: send traffic once readiness says so (database connected, not overloaded by start-up).
      const deadline = Date.now() + 30_000
      while ((await fetch(`${url}/health/ready`).catch(() => undefined))?.status !== 200) {
        if (Date.now() > deadline) throw new Error(`never ready:\n${app.stdout().slice(-3000)}`)
        await new Promise((r) => setTimeout(r, 100))
      }
    })

    afterAll(async () => {
      if (app && app.child.exitCode === null) {
        app.child.kill('SIGTERM')
        await app.exited
      }
      await db?.drop()
      rmSync(cwd, { recursive: true, force: true })
    })

    it('GET / serves the page whose only script carries the CSP nonce', async () => {
      const res = await fetch(`${url}/`)
      expect(res.status).toBe(200)
      const csp = res.headers.get('content-security-policy')!
      const nonce = /'nonce-([^']+)'/.exec(csp)?.[1]
      expect(nonce).toBeTruthy()
      const html = await res.text()
      expect(html).toContain(`<script nonce="${nonce}">`)
      expect(csp).not.toContain("'unsafe-inline'")
    })

    it('GET /api/hello answers JSON with a request id', async () => {
      const res = await fetch(`${url}/api/hello`)
      expect(await res.json()).toEqual({ hello: 'world' })
      expect(res.headers.get('x-request-id')).toBeTruthy()
    })

    it('POST /auth/login refuses a wrong password with 401 and signs the demo user in', async () => {
      const form = (password: string) =>
        new URLSearchParams({ email: 'demo@example.com', password }).toString()
      const headers = { 'content-type': 'application/x-www-form-urlencoded', origin: url }
      const wrong = await fetch(`${url}/auth/login`, {
        method: 'POST',
        headers,
        body: form('nope'),
        redirect: 'manual',
      })
      expect(wrong.status).toBe(401)

      const ok = await fetch(`${url}/auth/login`, {
        method: 'POST',
        headers,
        body: form('correct horse battery staple'),
        redirect: 'manual',
      })
      expect(ok.status).toBe(303)
      const cookie = ok.headers.get('set-cookie')!
      expect(cookie).toMatch(/^__Host-session=/)
      expect(cookie).toMatch(/; Secure/)
      expect(cookie).toMatch(/; HttpOnly/)
      expect(cookie).toMatch(/; SameSite=Lax/)

      const home = await fetch(`${url}/`, { headers: { cookie: cookie.split(';')[0]! } })
      expect(await home.text()).toContain('Signed in as <strong>demo@example.com</strong>')

      // The sign-in notice went out through the development transport: an .eml file under .kit/mail.
      const mails = readdirSync(join(cwd, '.kit', 'mail')).filter((f) => f.endsWith('.eml'))
      expect(mails).toHaveLength(1)
      const eml = readFileSync(join(cwd, '.kit', 'mail', mails[0]!), 'utf8')
      expect(eml).toContain('Subject: New sign-in to the kit example')
      expect(eml).toContain('To: demo@example.com')
    })

    it('POST /api/ai/complete is in the ai tier (AI_RATE_LIMIT_PER_MINUTE=3)', async () => {
      const call = () =>
        fetch(`${url}/api/ai/complete`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', accept: 'application/json' },
          body: JSON.stringify({ prompt: 'abc' }),
        })
      const first = await call()
      expect(await first.json()).toEqual({ completion: 'cba', model: 'reverse-1' })
      const statuses = [(await call()).status, (await call()).status, (await call()).status]
      expect(statuses).toEqual([200, 200, 429])
    })

    it('never answers hostile input with a 500 (issue 17)', async () => {
      const form = 'application/x-www-form-urlencoded'
      const json = 'application/json'
      const cases: [method: string, path: string, headers: Record<string, string>, body?: string][] = [
        ['POST', '/auth/login', { 'content-type': form }, 'email=a%00b@example.com&password=x'],
        ['POST', '/auth/login', { 'content-type': form }, 'email=demo@example.com&password=a%00b'],
        ['POST', '/auth/login', { 'content-type': form }, 'email=%E0%A4%A&password=x'],
        ['POST', '/auth/login', { 'content-type': form }, `email=${'a'.repeat(5000)}@x.io&password=x`],
        ['POST', '/auth/login', { 'content-type': form }, 'email[]=a@b.c&password[x]=1'],
        ['POST', '/auth/login', { 'content-type': json }, '{"email":"a\\u0000b@example.com","password":"x"}'],
        ['POST', '/auth/login', { 'content-type': json }, '{"email":"\\ud800@example.com","password":"x"}'],
        ['POST', '/auth/login', { 'content-type': json }, '{"email":{"$gt":""},"password":["x"]}'],
        ['POST', '/auth/login', { 'content-type': json }, '{"email":'],
        ['POST', '/auth/login', { 'content-type': json }, 'null'],
        ['POST', '/auth/login', { 'content-type': 'text/plain' }, 'email=a@b.c'],
        ['GET', '/', { cookie: '__Host-session=%E0%A4%A' }],
        ['GET', '/', { cookie: '__Host-session=1.99999999999.forged' }],
        ['GET', '/', { cookie: '__Host-session=%00; other=%' }],
        ['GET', '/?q=%00%E0', {}],
        ['GET', '/%E0%A4%A', {}],
        ['POST', '/api/ai/complete', { 'content-type': json }, '{"prompt":"a\\u0000b"}'],
        ['POST', '/api/ai/complete', { 'content-type': json }, '{"prompt":{"toString":1}}'],
      ]
      for (const [method, path, headers, body] of cases) {
        const res = await fetch(`${url}${path}`, {
          method,
          headers: { origin: url, ...headers },
          ...(body === undefined ? {} : { body }),
          redirect: 'manual',
        })
        expect(res.status, `${method} ${path} ${body ?? headers.cookie ?? ''}`).toBeLessThan(500)
      }
      // Still up, and nothing was logged as a server error.
      expect((await fetch(`${url}/api/hello`)).status).toBe(200)
      expect(app.stdout()).not.toMatch(/"level":(?:50|"error")/)
    })

    it('answers readiness with the database check and stops cleanly on SIGTERM', async () => {
      const ready = await fetch(`${url}/health/ready`)
      expect(ready.status).toBe(200)
      app.child.kill('SIGTERM')
      expect(await app.exited).toEqual({ code: 0, signal: null })
    })
  })
}
