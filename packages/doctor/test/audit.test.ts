import { type AuditReport, runAudit } from '@kit/doctor'
import { isKitError } from '@kit/internal'
import { freePort, type ListeningApp } from '@kit/test-utils'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { FRAMEWORKS, startSecureApp, startWeakApp } from './support/apps.ts'
import { createCertificates, type TestCertificates } from './support/tls.ts'
import { startTlsProxy, type TlsProxy } from './support/tls-proxy.ts'

const failed = (report: AuditReport) => report.results.filter((r) => r.status === 'fail').map((r) => r.id)
const errorsOf = (report: AuditReport) =>
  report.results.filter((r) => r.status === 'fail' && (r.severity === 'critical' || r.severity === 'high'))

let certs: TestCertificates
beforeAll(() => {
  certs = createCertificates()
})
afterAll(() => certs.cleanup())

async function behindProxy(app: ListeningApp): Promise<{ proxy: TlsProxy; close(): Promise<void> }> {
  const proxy = await startTlsProxy(app.port, certs)
  return {
    proxy,
    close: async () => {
      await proxy.close()
      await app.close()
    },
  }
}

describe.each(FRAMEWORKS)('kit audit of a %s app behind a TLS terminator', (framework) => {
  it('gives A+ (135 on algorithm 5, 145 on 6) to @kit/security defaults and finds no error', async () => {
    const { proxy, close } = await behindProxy(await startSecureApp(framework))
    try {
      const env = { NODE_EXTRA_CA_CERTS: certs.caFile }
      const report = await runAudit({ url: proxy.httpsUrl, httpPort: proxy.httpPort, env })
      expect(errorsOf(report)).toEqual([])
      expect(report.observatory).toMatchObject({ algorithm: 5, score: 135, grade: 'A+', testsFailed: 0 })
      // Only the optional extras are missing: HSTS preload and COEP.
      expect(failed(report)).toEqual(['LIVE-HSTS-03', 'LIVE-COEP-01'])
      const v6 = await runAudit({ url: proxy.httpsUrl, httpPort: proxy.httpPort, env, algorithm: 6 })
      expect(v6.observatory).toMatchObject({ algorithm: 6, score: 145, grade: 'A+', testsQuantity: 12 })
    } finally {
      await close()
    }
  })

  it('fails a weakened app on the missing CSP, echoed CORS with credentials, insecure cookie and stack traces', async () => {
    const { proxy, close } = await behindProxy(await startWeakApp(framework))
    try {
      const report = await runAudit({ url: proxy.httpsUrl, httpPort: proxy.httpPort, ca: certs.ca })
      expect(failed(report)).toEqual(
        expect.arrayContaining([
          'LIVE-RED-01',
          'LIVE-HSTS-01',
          'LIVE-CSP-01',
          'LIVE-CK-01',
          'LIVE-CORS-01',
          'LIVE-CORS-02',
          'LIVE-CORS-03',
          'LIVE-CORS-05',
          'LIVE-ERR-01',
        ]),
      )
      expect(report.results.find((r) => r.id === 'LIVE-CK-01')?.finding).toContain('session')
      expect(report.observatory.grade).toBe('F')
      expect(report.observatory.tests.find((t) => t.name === 'cross-origin-resource-sharing')?.modifier).toBe(
        -50,
      )
    } finally {
      await close()
    }
  })
})

describe('certificates', () => {
  it('fails LIVE-TLS-01 (and HSTS/redirect scoring) when the CA is not trusted, but still grades the headers', async () => {
    const { proxy, close } = await behindProxy(await startSecureApp('express'))
    try {
      const report = await runAudit({ url: proxy.httpsUrl, httpPort: proxy.httpPort, env: {} })
      const tls = report.results.find((r) => r.id === 'LIVE-TLS-01')!
      expect(tls.status).toBe('fail')
      expect(tls.finding).toMatch(/does not verify/)
      expect(report.results.find((r) => r.id === 'LIVE-CSP-01')?.status).toBe('pass')
      const byName = Object.fromEntries(report.observatory.tests.map((t) => [t.name, t.result]))
      expect(byName['strict-transport-security']).toBe('hsts-invalid-cert')
      expect(byName.redirection).toBe('redirection-invalid-cert')
    } finally {
      await close()
    }
  })

  it('fails LIVE-TLS-02 when the certificate expires within 14 days', async () => {
    const { proxy, close } = await behindProxy(await startSecureApp('fastify'))
    try {
      const soon = new Date(Date.now() + 360 * 86_400_000)
      const report = await runAudit({
        url: proxy.httpsUrl,
        httpPort: proxy.httpPort,
        ca: certs.ca,
        now: soon,
      })
      const horizon = report.results.find((r) => r.id === 'LIVE-TLS-02')!
      expect(horizon.status).toBe('fail')
      expect(horizon.finding).toMatch(/expires in \d days/)
    } finally {
      await close()
    }
  })
})

describe('targets', () => {
  it('passes the redirect check when plain HTTP is closed', async () => {
    const { proxy, close } = await behindProxy(await startSecureApp('express'))
    try {
      const report = await runAudit({ url: proxy.httpsUrl, httpPort: await freePort(), ca: certs.ca })
      expect(report.results.find((r) => r.id === 'LIVE-RED-01')).toMatchObject({ status: 'pass' })
      expect(report.results.find((r) => r.id === 'LIVE-RED-02')).toMatchObject({ status: 'skip' })
    } finally {
      await close()
    }
  })

  it('audits a plain http:// URL as its own HTTP side: no TLS, no HSTS, no redirect', async () => {
    const app = await startWeakApp('fastify')
    try {
      const report = await runAudit({ url: `${app.url}/`, local: false })
      const byId = Object.fromEntries(report.results.map((r) => [r.id, r]))
      expect(byId['LIVE-TLS-01']).toMatchObject({
        status: 'fail',
        finding: `${app.url}/ is not an https:// URL`,
      })
      expect(byId['LIVE-RED-01']!.finding).toMatch(/answers 200 without redirecting/)
      const byName = Object.fromEntries(report.observatory.tests.map((t) => [t.name, t.result]))
      expect(byName['strict-transport-security']).toBe('hsts-not-implemented-no-https')
      expect(byName.redirection).toBe('redirection-missing')
    } finally {
      await app.close()
    }
  })

  it('throws KIT_DOCTOR_AUDIT_UNREACHABLE when nothing answers', async () => {
    const port = await freePort()
    const error = await runAudit({
      url: `https://127.0.0.1:${port}/`,
      httpPort: await freePort(),
      timeoutMs: 2000,
    }).catch((e: unknown) => e)
    expect(isKitError(error, 'KIT_DOCTOR_AUDIT_UNREACHABLE')).toBe(true)
  })

  it.each([
    ['not a URL', 'example.com'],
    ['another scheme', 'ftp://example.com/'],
    ['credentials', 'https://user:secret@example.com/'],
  ])('refuses %s', async (_label, url) => {
    const error = await runAudit({ url }).catch((e: unknown) => e)
    expect(isKitError(error, 'KIT_DOCTOR_AUDIT_URL_INVALID')).toBe(true)
    expect((error as Error).message).not.toContain('secret')
  })

  it.each([
    [{ httpPort: 0 }, /httpPort/],
    [{ httpPort: 70000 }, /httpPort/],
    [{ algorithm: 4 as 5 }, /algorithm must be 5 or 6/],
    [{ timeoutMs: -1 }, /timeoutMs/],
    [{ healthPath: 'health' }, /healthPath/],
  ])('refuses invalid options %o', async (options, message) => {
    const error = await runAudit({ url: 'https://127.0.0.1/', ...options }).catch((e: unknown) => e)
    expect(isKitError(error, 'KIT_DOCTOR_INVALID_OPTION')).toBe(true)
    expect((error as Error).message).toMatch(message)
  })

  it('says which NODE_EXTRA_CA_CERTS file it cannot read', async () => {
    const error = await runAudit({
      url: 'https://127.0.0.1/',
      env: { NODE_EXTRA_CA_CERTS: '/nonexistent/ca.pem' },
    }).catch((e: unknown) => e)
    expect(isKitError(error, 'KIT_DOCTOR_CA_UNREADABLE')).toBe(true)
    expect((error as Error).message).toContain('/nonexistent/ca.pem')
  })
})
