import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { createMetrics } from '../src/index.ts'
import { packageName, serviceName } from '../src/service-name.ts'
import { memoryLogger } from './helpers.ts'

const root = mkdtempSync(join(tmpdir(), 'kit-service-name-'))
afterAll(() => rmSync(root, { recursive: true, force: true }))

/** A folder with the given files (paths relative to it); returns its path. */
function project(name: string, files: Record<string, string>): string {
  const dir = join(root, name)
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(join(dir, path, '..'), { recursive: true })
    writeFileSync(join(dir, path), text)
  }
  return dir
}

describe('the service name (option service)', () => {
  const app = project('app', {
    'package.json': JSON.stringify({ name: 'shop-from-package-json', type: 'module' }),
    // tsc's dist/package.json markers carry no name: passed over.
    'dist/package.json': JSON.stringify({ type: 'module' }),
    'dist/app.js': '',
  })
  const elsewhere = project('elsewhere', { 'package.json': JSON.stringify({ name: 'the-cwd-package' }) })

  it('reads the package.json nearest to the entry script, over the working directory', () => {
    expect(packageName({ entry: join(app, 'dist', 'app.js'), cwd: elsewhere })).toBe('shop-from-package-json')
  })

  it("falls back to the working directory when the entry is a tool's script in node_modules", () => {
    const tool = project('tool', {
      'node_modules/vitest/package.json': JSON.stringify({ name: 'vitest' }),
      'node_modules/vitest/vitest.mjs': '',
    })
    expect(packageName({ entry: join(tool, 'node_modules/vitest/vitest.mjs'), cwd: app })).toBe(
      'shop-from-package-json',
    )
    expect(packageName({ entry: undefined, cwd: join(app, 'dist') })).toBe('shop-from-package-json')
  })

  it('prefers the platform name of the deployed app (Heroku, Fly.io, Render, Railway, Cloud Run)', () => {
    const sources = { entry: join(app, 'dist', 'app.js'), cwd: app }
    expect(serviceName({ HEROKU_APP_NAME: 'shop-prod' }, sources)).toBe('shop-prod')
    expect(serviceName({ FLY_APP_NAME: 'shop-fly' }, sources)).toBe('shop-fly')
    expect(serviceName({ RENDER_SERVICE_NAME: 'shop-render' }, sources)).toBe('shop-render')
    expect(serviceName({ RAILWAY_SERVICE_NAME: 'shop-railway' }, sources)).toBe('shop-railway')
    expect(serviceName({ K_SERVICE: 'shop-run' }, sources)).toBe('shop-run')
    expect(serviceName({ HEROKU_APP_NAME: ' ' }, sources)).toBe('shop-from-package-json')
  })

  it('uses npm_package_name, then "app", only without a package.json with a name', () => {
    const bare = project('bare', { 'package.json': '{ not json' })
    // A folder under the temp root: the walk up finds no named package.json (tmp has none).
    expect(serviceName({ npm_package_name: 'from-npm' }, { entry: undefined, cwd: bare })).toBe('from-npm')
    expect(serviceName({}, { entry: undefined, cwd: bare })).toBe('app')
  })

  it('labels every series and names the app in alerts; the option wins', async () => {
    const metrics = createMetrics({ processMetrics: false }, { env: {}, cwd: app })
    expect(metrics.alerting?.service).toBe('shop-from-package-json')
    expect(await metrics.metrics()).toMatch(/service="shop-from-package-json"/)
    const named = createMetrics({ processMetrics: false, service: 'billing' }, { env: {}, cwd: app })
    expect(named.alerting?.service).toBe('billing')
    await Promise.all([metrics.close(), named.close()])
  })
})

describe('notifiers that configuration turns off', () => {
  const env = { SLACK_WEBHOOK_URL: 'https://hooks.slack.com/services/T0/B0/s3cr3tWebhookPath' }

  it.each([
    ['alerts: false', { alerts: false }, '`alerts: false` turns alerting off'],
    ['enabled: false', { enabled: false }, '`metrics.enabled: false` turns metrics and alerts off'],
    [
      'alerts.notify.slack: false',
      { alerts: { notify: { slack: false } } },
      '`alerts.notify.slack: false` turns Slack off',
    ],
  ] as const)(
    'warns once when %s leaves SLACK_WEBHOOK_URL unused, without the URL',
    async (_, options, why) => {
      const log = memoryLogger()
      const metrics = createMetrics({ processMetrics: false, ...options }, { env, log })
      const warnings = log.lines.filter((l) => l.level === 'warn')
      expect(warnings.map((l) => l.message)).toEqual([
        `@kit/metrics: SLACK_WEBHOOK_URL is set, but ${why}: no alert notice will be sent. Remove that setting to get alerts, or unset SLACK_WEBHOOK_URL.`,
      ])
      expect(log.text()).not.toContain('s3cr3tWebhookPath')
      await metrics.close()
    },
  )

  it('says nothing when no notifier variable is set', async () => {
    const log = memoryLogger()
    const metrics = createMetrics({ processMetrics: false, alerts: false }, { env: {}, log })
    expect(log.lines).toEqual([])
    expect(metrics.alerting).toBeUndefined()
    await metrics.close()
  })

  it('summarises the rules and notifiers it will use', async () => {
    const metrics = createMetrics(
      { processMetrics: false, service: 'shop' },
      { env: { ...env, ALERT_EMAIL_TO: ['ops@example.com'] }, mailer: { send: async () => undefined } },
    )
    expect(metrics.alerting).toEqual({
      rules: ['latency', 'errorRate', 'dbLatency', 'eventLoopDelay', 'memory'],
      notifiers: ['log', 'slack', 'mail'],
      service: 'shop',
    })
    await metrics.close()
  })
})
