// The `kit doctor` and `kit audit` commands (packages/core/src/cli/commands/{doctor,audit}.ts)
// through the CLI host, in process: options, JSON, text output and exit codes.
import { MemoryStream } from '@kit/test-utils'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { runCli } from '../../core/src/cli/main.ts'
import { startSecureApp } from './support/apps.ts'
import { env, GOOD_FILES, project } from './support/project.ts'
import { createCertificates, type TestCertificates } from './support/tls.ts'
import { startTlsProxy, type TlsProxy } from './support/tls-proxy.ts'

const ESC = '\u001b['

async function kit(
  argv: string[],
  options: { env?: Record<string, string | undefined>; cwd?: string; tty?: boolean } = {},
) {
  const stdout = Object.assign(new MemoryStream(), { isTTY: options.tty === true })
  const stderr = new MemoryStream()
  const code = await runCli(argv, {
    stdout,
    stderr,
    env: options.env ?? {},
    cwd: options.cwd ?? process.cwd(),
  })
  return { code, stdout: stdout.text(), stderr: stderr.text() }
}

describe('kit doctor', () => {
  it('exits 0 on a production-ready app and prints the table grouped by severity', async () => {
    const cwd = project(GOOD_FILES)
    const { code, stdout } = await kit(['doctor'], { cwd, env: env({}) })
    expect(code).toBe(0)
    expect(stdout).toMatch(/^kit doctor .* \(NODE_ENV=production, platform none detected\)/)
    expect(stdout.indexOf('CRITICAL')).toBeLessThan(stdout.indexOf('MEDIUM'))
    expect(stdout).toMatch(/✔ 0 errors, 0 warnings, 1 note/)
    expect(stdout.includes(ESC)).toBe(false)
  })

  it('colours the table on a terminal', async () => {
    const { stdout } = await kit(['doctor'], { cwd: project(GOOD_FILES), env: env({}), tty: true })
    expect(stdout).toContain(`${ESC}1mCRITICAL`)
  })

  it('--fail-on warning fails on a missing Sentry DSN, the default does not', async () => {
    const cwd = project(GOOD_FILES)
    const noSentry = env({ SENTRY_DSN: undefined })
    expect((await kit(['doctor'], { cwd, env: noSentry })).code).toBe(0)
    const strict = await kit(['doctor', '--fail-on', 'warning'], { cwd, env: noSentry })
    expect(strict.code).toBe(1)
    expect(strict.stdout).toMatch(/WARN\s+KIT-OBS-001/)
    expect(strict.stdout).toMatch(/✖ 0 errors, 1 warning/)
  })

  it('--json gives every result and the summary', async () => {
    const { code, stdout } = await kit(['doctor', '--json'], {
      cwd: project(GOOD_FILES),
      env: env({ NODE_ENV: 'development' }),
    })
    expect(code).toBe(1)
    const report = JSON.parse(stdout)
    expect(report).toMatchObject({ ok: false, failOn: 'error', nodeEnv: 'development', online: false })
    expect(report.results.find((r: { id: string }) => r.id === 'KIT-ENV-001')).toMatchObject({
      status: 'fail',
      severity: 'critical',
      ref: 'CFG-ENV-01',
    })
    expect(report.summary.failedBySeverity.critical).toBeGreaterThan(0)
  })

  it('reads kit.config from --cwd, silences included', async () => {
    const cwd = project({
      ...GOOD_FILES,
      'kit.config.mjs':
        "export default { doctor: { silence: { 'KIT-SEC-012': 'preload once every subdomain is on HTTPS' } } }\n",
    })
    const { stdout } = await kit(['doctor', '--json', '--cwd', cwd], { env: env({}) })
    const preload = JSON.parse(stdout).results.find((r: { id: string }) => r.id === 'KIT-SEC-012')
    expect(preload).toMatchObject({ status: 'silenced', reason: 'preload once every subdomain is on HTTPS' })
  })

  it('refuses an unknown --fail-on with exit code 2', async () => {
    const { code, stderr } = await kit(['doctor', '--fail-on', 'sometimes'], { cwd: project(GOOD_FILES) })
    expect(code).toBe(2)
    expect(stderr).toMatch(/--fail-on must be one of error, warning, none/)
  })

  it('reports a bad silence as a KitError (exit 1)', async () => {
    const cwd = project({
      ...GOOD_FILES,
      'kit.config.mjs': "export default { doctor: { silence: { 'KIT-SEC-12': 'x' } } }\n",
    })
    const { code, stderr } = await kit(['doctor'], { cwd, env: env({}) })
    expect(code).toBe(1)
    expect(stderr).toMatch(/KIT_DOCTOR_SILENCE_INVALID: .*Did you mean "KIT-SEC-012"/)
  })
})

describe('kit audit', () => {
  let certs: TestCertificates
  let proxy: TlsProxy
  let close: () => Promise<void>
  let appUrl: string
  beforeAll(async () => {
    certs = createCertificates()
    const app = await startSecureApp('express')
    appUrl = `${app.url}/`
    proxy = await startTlsProxy(app.port, certs)
    close = async () => {
      await proxy.close()
      await app.close()
    }
  })
  afterAll(async () => {
    await close?.()
    certs?.cleanup()
  })

  it('prints the checks and the Observatory grade, exit 0 for an A+ app', async () => {
    const { code, stdout } = await kit(['audit', proxy.httpsUrl, '--http-port', String(proxy.httpPort)], {
      env: { NODE_EXTRA_CA_CERTS: certs.caFile },
    })
    expect(code).toBe(0)
    expect(stdout).toMatch(/MDN HTTP Observatory \(algorithm 5\): 135 A\+, 10\/10 tests passed/)
    expect(stdout).toMatch(/pass\s+LIVE-TLS-01/)
  })

  it('--json --algorithm 6', async () => {
    const { code, stdout } = await kit(
      ['audit', proxy.httpsUrl, '--http-port', String(proxy.httpPort), '--algorithm', '6', '--json'],
      { env: { NODE_EXTRA_CA_CERTS: certs.caFile } },
    )
    expect(code).toBe(0)
    expect(JSON.parse(stdout).observatory).toMatchObject({ algorithm: 6, score: 145, grade: 'A+' })
  })

  it('exits 1 when the certificate is not trusted (LIVE-TLS-01 is high)', async () => {
    const { code, stdout } = await kit(['audit', proxy.httpsUrl, '--http-port', String(proxy.httpPort)], {
      env: {},
    })
    expect(code).toBe(1)
    expect(stdout).toMatch(/FAIL\s+LIVE-TLS-01/)
  })

  it('audits the app on its plain port in local mode and says what was simulated and what was not checked', async () => {
    const { code, stdout } = await kit(['audit', appUrl], { env: { APP_URL: 'https://127.0.0.1' } })
    expect(code).toBe(0)
    expect(stdout).toContain('kit audit https://127.0.0.1/\n')
    expect(stdout).toContain(`Local mode: ${appUrl} audited as https://127.0.0.1/ (host from APP_URL)`)
    expect(stdout).toMatch(
      /simulated:\n {4}- TLS for 127\.0\.0\.1 with a certificate from a CA made for this run/,
    )
    expect(stdout).toMatch(/not checked locally .*:\n {4}- the real certificate chain/)
    expect(stdout).toMatch(/MDN HTTP Observatory \(algorithm 5\): 135 A\+, 10\/10 tests passed/)
    expect(stdout).not.toMatch(/FAIL\s+LIVE-TLS-01/)
  })

  it('--host and --json: the local part of the report', async () => {
    const { code, stdout } = await kit(['audit', appUrl, '--host', '127.0.0.1', '--json'])
    expect(code).toBe(0)
    const report = JSON.parse(stdout)
    expect(report).toMatchObject({ url: 'https://127.0.0.1/', local: { app: appUrl, hostFrom: 'option' } })
    expect(report.results.find((r: { id: string }) => r.id === 'LIVE-TLS-01').status).toBe('skip')
  })

  it('--no-local audits the loopback URL as it is: no HTTPS, exit 1', async () => {
    const { code, stdout } = await kit(['audit', appUrl, '--no-local'])
    expect(code).toBe(1)
    expect(stdout).not.toContain('Local mode')
    expect(stdout).toMatch(/FAIL\s+LIVE-TLS-01/)
  })

  it.each([
    [['audit', 'http://127.0.0.1:3000/', '--local', '--no-local'], /--local or --no-local, not both/],
    [['audit', 'http://127.0.0.1:3000/', '--no-local', '--host', 'example.com'], /--host is for local mode/],
  ])('refuses %j with exit code 2', async (argv, message) => {
    const { code, stderr } = await kit(argv)
    expect(code).toBe(2)
    expect(stderr).toMatch(message)
  })

  it.each([
    [['audit'], /needs the URL/],
    [['audit', 'https://a.example/', 'https://b.example/'], /one URL/],
    [['audit', 'https://a.example/', '--algorithm', '7'], /--algorithm must be a whole number from 5 to 6/],
    [['audit', 'https://a.example/', '--http-port', 'eighty'], /--http-port/],
  ])('refuses %j with exit code 2', async (argv, message) => {
    const { code, stderr } = await kit(argv)
    expect(code).toBe(2)
    expect(stderr).toMatch(message)
  })

  it('refuses a URL that is not https:// or http:// (exit 1, KIT_DOCTOR_AUDIT_URL_INVALID)', async () => {
    const { code, stderr } = await kit(['audit', 'example.com'])
    expect(code).toBe(1)
    expect(stderr).toContain('KIT_DOCTOR_AUDIT_URL_INVALID')
  })
})
