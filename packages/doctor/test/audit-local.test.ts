// `kit audit` local mode (runAudit with `local`): the app listens on plain
// HTTP on 127.0.0.1 and the audit fronts it with its own TLS terminator and
// throwaway CA. Each grade is compared with the same app audited behind a
// real TLS terminator whose CA was made with openssl (support/tls-proxy.ts),
// on Express and on Fastify.
import { type AuditReport, runAudit } from '@kit/doctor'
import { isKitError } from '@kit/internal'
import { freePort, type ListeningApp } from '@kit/test-utils'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { planLocalMode } from '../src/live/local/local-mode.ts'
import { FRAMEWORKS, type Framework, startSecureApp, startWeakApp } from './support/apps.ts'
import { createCertificates, type TestCertificates } from './support/tls.ts'
import { startTlsProxy } from './support/tls-proxy.ts'

const statuses = (report: AuditReport) => Object.fromEntries(report.results.map((r) => [r.id, r.status]))
const failed = (report: AuditReport) => report.results.filter((r) => r.status === 'fail').map((r) => r.id)
// The certificate is the one thing local mode cannot grade: it skips those two checks.
const CERTIFICATE_CHECKS = { 'LIVE-TLS-01': 'skip', 'LIVE-TLS-02': 'skip' }

let certs: TestCertificates
beforeAll(() => {
  certs = createCertificates()
})
afterAll(() => certs.cleanup())

/** The app audited behind the openssl-CA TLS terminator, and in local mode on its plain port. */
async function bothWays(app: ListeningApp, appEnv: Record<string, string>) {
  const proxy = await startTlsProxy(app.port, certs)
  try {
    const [proxied, local] = await Promise.all([
      runAudit({ url: proxy.httpsUrl, httpPort: proxy.httpPort, env: { NODE_EXTRA_CA_CERTS: certs.caFile } }),
      runAudit({ url: `${app.url}/`, env: appEnv }),
    ])
    return { proxied, local }
  } finally {
    await proxy.close()
    await app.close()
  }
}

function expectSameGrade(local: AuditReport, proxied: AuditReport): void {
  expect(local.observatory).toEqual(proxied.observatory)
  expect(statuses(local)).toEqual({ ...statuses(proxied), ...CERTIFICATE_CHECKS })
  expect(failed(local)).toEqual(failed(proxied))
}

describe.each(FRAMEWORKS)('kit audit local mode of a %s app', (framework: Framework) => {
  it('grades @kit/security defaults A+ (135) with the findings a real TLS terminator gives', async () => {
    const { proxied, local } = await bothWays(await startSecureApp(framework), {
      APP_URL: 'https://127.0.0.1',
    })
    expect(proxied.observatory).toMatchObject({ score: 135, grade: 'A+' })
    expectSameGrade(local, proxied)
    expect(local.url).toBe('https://127.0.0.1/')
    expect(local.local).toMatchObject({
      app: expect.stringMatching(/^http:\/\/127\.0\.0\.1:\d+\/$/),
      hostFrom: 'APP_URL',
      notes: [],
    })
    expect(local.local!.notChecked.join(' ')).toMatch(/certificate chain.*LIVE-TLS-01/)
    expect(local.results.find((r) => r.id === 'LIVE-TLS-01')!.finding).toMatch(/^local mode: /)
    expect(local.results.find((r) => r.id === 'LIVE-RED-01')!.finding).toBe(
      'http://127.0.0.1/ → 301 → https://127.0.0.1/',
    )
  })

  it('gives an app without HSTS and with unsafe-inline scripts the same lower grade as in production', async () => {
    const weakened = {
      hsts: false,
      csp: { directives: { 'script-src': ["'self'", "'unsafe-inline'"] } },
    } as const
    const { proxied, local } = await bothWays(await startSecureApp(framework, weakened), {
      APP_URL: 'https://127.0.0.1',
    })
    expectSameGrade(local, proxied)
    expect(local.observatory.grade).not.toMatch(/^A/)
    expect(failed(local)).toEqual(expect.arrayContaining(['LIVE-HSTS-01', 'LIVE-CSP-03']))
  })

  it('gives the hurried app the same F and findings', async () => {
    const { proxied, local } = await bothWays(await startWeakApp(framework), {})
    expectSameGrade(local, proxied)
    expect(local.observatory.grade).toBe('F')
    expect(local.local!.hostFrom).toBe('url')
  })
})

describe('the host local mode presents', () => {
  it('is APP_URL’s name, with its certificate and redirects, and no DNS look-up', async () => {
    const app = await startSecureApp('fastify', {}, { appUrl: 'https://shop.example.test' })
    try {
      const report = await runAudit({ url: `${app.url}/`, env: { APP_URL: 'https://shop.example.test' } })
      expect(report.url).toBe('https://shop.example.test/')
      expect(report.observatory).toMatchObject({ score: 135, grade: 'A+' })
      expect(statuses(report)).toMatchObject({
        'LIVE-RED-01': 'pass',
        'LIVE-HSTS-01': 'pass',
        'LIVE-CORS-03': 'pass',
      })
      expect(report.results.find((r) => r.id === 'LIVE-RED-01')!.finding).toBe(
        'http://shop.example.test/ → 301 → https://shop.example.test/',
      )
    } finally {
      await app.close()
    }
  })

  it('--host wins over APP_URL; a host the app refuses (421) is KIT_DOCTOR_AUDIT_HOST_REFUSED with the fix', async () => {
    const app = await startSecureApp('express')
    try {
      const refused = await runAudit({
        url: `${app.url}/`,
        local: { host: 'shop.example.test' },
        env: { APP_URL: 'https://127.0.0.1' },
      }).catch((e: unknown) => e)
      expect(isKitError(refused, 'KIT_DOCTOR_AUDIT_HOST_REFUSED')).toBe(true)
      expect((refused as Error).message).toContain(`kit audit ${app.url}/ --host example.com`)
    } finally {
      await app.close()
    }
  })

  it('notes an app that does not trust the proxy headers (TRUST_PROXY unset)', async () => {
    const app = await startSecureApp('express', {}, { trustProxy: false })
    try {
      const report = await runAudit({ url: `${app.url}/`, env: {}, timeoutMs: 5000 })
      expect(report.local!.notes.join(' ')).toMatch(/TRUST_PROXY=1/)
      expect(statuses(report)['LIVE-HSTS-01']).toBe('fail')
    } finally {
      await app.close()
    }
  })
})

describe('when local mode applies', () => {
  it('local: false audits a loopback http:// URL as it is (no TLS, no local report)', async () => {
    const app = await startSecureApp('fastify')
    try {
      const report = await runAudit({ url: `${app.url}/`, local: false })
      expect(report.local).toBeUndefined()
      expect(statuses(report)['LIVE-TLS-01']).toBe('fail')
    } finally {
      await app.close()
    }
  })

  it.each([
    [{ url: 'https://127.0.0.1:8443/', local: true }, /already https/],
    [
      { url: 'http://127.0.0.1:3000/', local: { host: 'https://example.com/' } },
      /--host must be the host name/,
    ],
    [{ url: 'http://127.0.0.1:3000/', env: { APP_URL: 'not a url' } }, /APP_URL is not a URL/],
  ])('refuses %o with KIT_DOCTOR_INVALID_OPTION', async (options, message) => {
    const error = await runAudit(options).catch((e: unknown) => e)
    expect(isKitError(error, 'KIT_DOCTOR_INVALID_OPTION')).toBe(true)
    expect((error as Error).message).toMatch(message)
  })
})

describe('planLocalMode', () => {
  it.each([
    ['http://127.0.0.1:3000/', true],
    ['http://127.8.9.10:3000/', true],
    ['http://[::1]:3000/', true],
    ['http://localhost:3000/', true],
    ['http://shop.localhost:3000/', true],
    ['http://10.0.0.5:3000/', false],
    ['http://shop.example.test/', false],
    ['https://127.0.0.1:8443/', false],
  ])('auto-detects %s as local: %s', (url, local) => {
    expect(planLocalMode(new URL(url), undefined, {}) !== undefined).toBe(local)
  })

  it('--local fronts an http:// app on another address; --host keeps a production port', () => {
    const plan = planLocalMode(
      new URL('http://10.0.0.5:3000/shop?x=1'),
      { host: 'app.example.test:8443' },
      {},
    )
    expect(plan).toMatchObject({ hostFrom: 'option' })
    expect(plan!.publicUrl.href).toBe('https://app.example.test:8443/shop?x=1')
    expect(planLocalMode(new URL('http://10.0.0.5:3000/'), true, {})!.publicUrl.href).toBe(
      'https://10.0.0.5/',
    )
  })

  it('takes APP_URL’s host, always as https://', () => {
    const plan = planLocalMode(new URL('http://127.0.0.1:3000/'), undefined, {
      APP_URL: 'http://shop.example.test',
    })
    expect(plan).toMatchObject({ hostFrom: 'APP_URL' })
    expect(plan!.publicUrl.href).toBe('https://shop.example.test/')
  })
})

describe('an app that is not running', () => {
  it('is KIT_DOCTOR_AUDIT_UNREACHABLE naming its address, not a grade of the terminator’s 502', async () => {
    const url = `http://127.0.0.1:${await freePort()}/`
    const error = await runAudit({ url, timeoutMs: 5000 }).catch((e: unknown) => e)
    expect(isKitError(error, 'KIT_DOCTOR_AUDIT_UNREACHABLE')).toBe(true)
    expect((error as Error).message).toContain(`The app at ${url} does not answer (ECONNREFUSED)`)
  })
})
