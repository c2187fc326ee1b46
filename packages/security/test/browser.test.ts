import { execFileSync } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { type Browser, chromium } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { memoryLogger } from './support/logger.ts'
import { FRAMEWORKS, serve } from './support/servers.ts'

/**
 * A real browser against a test app behind the pipeline: Debian's chromium
 * (`apt-get install -y chromium`), driven by playwright-core.
 * `--short-reporting-delay` makes the Reporting API upload after 100 ms
 * instead of a minute; `--ignore-certificate-errors` accepts the throwaway
 * self-signed certificate of the HTTPS run.
 */
const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--short-reporting-delay',
  '--ignore-certificate-errors',
]

let browser: Browser
let certDir: string
let tls: { key: string; cert: string }

beforeAll(async () => {
  browser = await chromium.launch({
    executablePath: '/usr/bin/chromium',
    args: CHROMIUM_ARGS,
    timeout: 30_000,
  })
  certDir = mkdtempSync(join(tmpdir(), 'kit-security-tls-'))
  execFileSync(
    'openssl',
    [
      'req',
      '-x509',
      '-newkey',
      'ec',
      '-pkeyopt',
      'ec_paramgen_curve:prime256v1',
      '-nodes',
      '-days',
      '1',
      '-subj',
      '/CN=127.0.0.1',
      '-addext',
      'subjectAltName=IP:127.0.0.1',
      '-keyout',
      join(certDir, 'key.pem'),
      '-out',
      join(certDir, 'cert.pem'),
    ],
    { stdio: 'ignore', timeout: 10_000 },
  )
  tls = {
    key: readFileSync(join(certDir, 'key.pem'), 'utf8'),
    cert: readFileSync(join(certDir, 'cert.pem'), 'utf8'),
  }
})

afterAll(async () => {
  await browser?.close()
  if (certDir) rmSync(certDir, { recursive: true, force: true })
})

async function waitFor<T>(what: string, probe: () => T | undefined, timeoutMs = 10_000): Promise<T> {
  const deadline = Date.now() + timeoutMs
  for (;;) {
    const value = probe()
    if (value !== undefined) return value
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`)
    await new Promise((resolve) => setTimeout(resolve, 100))
  }
}

// [scheme, the report format the browser uses there]
const RUNS = [
  ['http', 'application/csp-report'],
  ['https', 'application/reports+json'],
] as const

describe.each(FRAMEWORKS)('Chromium on %s', (framework) => {
  it.each(RUNS)(
    'over %s: the nonce script runs, the injected one is blocked and reported (%s)',
    async (scheme, format) => {
      const logs = memoryLogger()
      const reportTypes: string[] = []
      const server = await serve(
        framework,
        {},
        { env: { NODE_ENV: 'test' }, log: logs.log },
        {
          ...(scheme === 'https' ? { tls } : {}),
          observe: (req) => {
            if (req.method === 'POST') reportTypes.push(String(req.headers['content-type']))
          },
        },
      )
      const context = await browser.newContext()
      try {
        const page = await context.newPage()
        const messages: string[] = []
        page.on('console', (message) => messages.push(message.text()))
        const response = await page.goto(`${server.url}/`, { timeout: 15_000 })
        expect(response?.status()).toBe(200)

        expect(await page.title()).toBe('nonce ran')
        expect(await page.evaluate('window.injected')).toBeUndefined()
        // The nonce'd <style> applied (body{color:#222}).
        expect(await page.evaluate('getComputedStyle(document.body).color')).toBe('rgb(34, 34, 34)')

        const violation = await waitFor('the violation report', () =>
          logs.warnings().find((l) => l.security === 'csp-violation' && l.csp.blockedUrl === 'inline'),
        )
        expect(violation.csp).toMatchObject({
          directive: 'script-src-elem',
          disposition: 'enforce',
          documentUrl: `${server.url}/`,
        })
        expect(reportTypes).toContain(format)

        expect(
          messages.some((text) => text.includes('violates the following Content Security Policy directive')),
        ).toBe(true)
        // Every feature in the default Permissions-Policy is one Chromium knows.
        expect(messages.filter((text) => /permissions.policy/i.test(text))).toEqual([])
      } finally {
        await context.close()
        await server.close()
      }
    },
  )
})
