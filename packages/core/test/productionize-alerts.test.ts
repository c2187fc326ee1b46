import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { pathToFileURL } from 'node:url'
import {
  MemoryStream,
  type SpawnedProcess,
  spawnTs,
  startWebhookReceiver,
  type WebhookReceiver,
  WORKSPACE_ROOT,
} from '@kit/test-utils'
import { afterAll, afterEach, describe, expect, it } from 'vitest'
import { startKit } from './helpers/start-kit.ts'

const require = createRequire(import.meta.url)
const scratch = mkdtempSync(join(tmpdir(), 'kit-alerts-'))
afterAll(() => rmSync(scratch, { recursive: true, force: true }))

/** Sends `count` requests to `url` a few at a time (a burst of 500s). */
async function burst(url: string, count: number): Promise<number[]> {
  const statuses: number[] = []
  for (let i = 0; i < count; i += 5) {
    const batch = Array.from({ length: Math.min(5, count - i) }, () => fetch(url).then((r) => r.status))
    statuses.push(...(await Promise.all(batch)))
  }
  return statuses
}

const failing = (framework: 'express' | 'fastify') => (app: any) => {
  if (framework === 'express') app.get('/boom', (_req: any, res: any) => res.status(500).send('down'))
  else app.get('/boom', async (_req: any, reply: any) => reply.code(500).send('down'))
}

/**
 * An app as users ship it: its own folder with a package.json, a script
 * started with plain `node` (no npm script, so no npm_package_name), and a
 * Slack webhook as its only alerting configuration.
 */
function writeFixtureApp(dir: string, framework: 'express' | 'fastify'): string {
  const core = pathToFileURL(join(WORKSPACE_ROOT, 'packages/core/src/index.ts')).href
  const frameworkUrl = pathToFileURL(require.resolve(framework)).href
  writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: 'alerting-fixture-shop', type: 'module' }))
  const routes =
    framework === 'express'
      ? `app.get('/boom', (_req, res) => res.status(500).send('down'))`
      : `app.get('/boom', async (_req, reply) => reply.code(500).send('down'))`
  writeFileSync(
    join(dir, 'app.mjs'),
    [
      `import { fastifyOptions, productionize } from '${core}'`,
      `import framework from '${frameworkUrl}'`,
      `const config = {}`,
      framework === 'express' ? 'const app = framework()' : 'const app = framework(fastifyOptions(config))',
      'const kit = await productionize(app, config)',
      routes,
      `const server = await kit.listen({ port: 0, host: '127.0.0.1' })`,
      "console.log('fixture listening on ' + server.address().port)",
    ].join('\n'),
  )
  return join(dir, 'app.mjs')
}

describe.each(['express', 'fastify'] as const)('alerting through productionize() on %s', (framework) => {
  let receiver: WebhookReceiver | undefined
  let child: SpawnedProcess | undefined
  let close: (() => Promise<void>) | undefined

  afterEach(async () => {
    await close?.()
    if (child && child.child.exitCode === null) {
      child.child.kill('SIGTERM')
      await child.exited
    }
    await receiver?.close()
    receiver = child = close = undefined
  })

  it('turns on with SLACK_WEBHOOK_URL alone: an error burst sends a notice named after package.json (plain node)', async () => {
    receiver = await startWebhookReceiver()
    const dir = mkdtempSync(join(scratch, `${framework}-`))
    const entry = writeFixtureApp(dir, framework)
    child = spawnTs(entry, [], {
      // Started in another folder, from the entry's own package.json; no npm script variables.
      cwd: WORKSPACE_ROOT,
      env: {
        NODE_ENV: 'development',
        SLACK_WEBHOOK_URL: receiver.url,
        npm_package_name: undefined,
        npm_lifecycle_event: undefined,
        HEROKU_APP_NAME: undefined,
        LOG_LEVEL: 'info',
      },
    })
    await child.waitFor(/fixture listening on \d+/, 60_000)
    const port = /fixture listening on (\d+)/.exec(child.stdout())![1]
    const startup = child
      .stdout()
      .split('\n')
      .filter((line) => line.includes('"listening on'))
      .map((line) => JSON.parse(line))[0]
    expect(startup.features).toEqual(
      expect.arrayContaining([
        'metrics (/metrics; on by SLACK_WEBHOOK_URL)',
        'alerts for alerting-fixture-shop: latency, errorRate, dbLatency, eventLoopDelay, memory → log, slack',
      ]),
    )
    expect(await burst(`http://127.0.0.1:${port}/boom`, 30)).toEqual(Array(30).fill(500))
    // The launch preset's errorRate rule (5 %, 20 requests) is evaluated every 10 s.
    const [notice] = await receiver.waitForCount(1, 60_000)
    expect(notice.text).toMatch(
      /Critical: errorRate on alerting-fixture-shop \(development\): error rate 100%/,
    )
    expect(child.stdout() + child.stderr()).not.toContain('s3cr3tWebhookPath')
  }, 180_000)

  it('reads SLACK_WEBHOOK_URL from .env in development', async () => {
    receiver = await startWebhookReceiver()
    const cwd = mkdtempSync(join(scratch, `dotenv-${framework}-`))
    writeFileSync(join(cwd, '.env'), `SLACK_WEBHOOK_URL=${receiver.url}\n`)
    const started = await startKit(
      framework,
      {
        cwd,
        envSource: { NODE_ENV: 'development' },
        metrics: {
          service: 'shop',
          alerts: { intervalMs: 100, rules: { errorRate: { minRequests: 10, windowMs: 60_000 } } },
        },
      },
      failing(framework),
    )
    close = started.close
    await burst(`${started.url}/boom`, 15)
    const [notice] = await receiver.waitForCount(1)
    expect(notice.text).toContain('Critical: errorRate on shop (development)')
  }, 60_000)

  it('warns at start-up when `metrics: false` leaves SLACK_WEBHOOK_URL unused', async () => {
    const logs = new MemoryStream()
    const webhook = 'https://hooks.slack.com/services/T0/B0/s3cr3tWebhookPath'
    const started = await startKit(framework, {
      metrics: false,
      logger: { destination: logs },
      envSource: { SLACK_WEBHOOK_URL: webhook },
    })
    close = started.close
    const warnings = logs.lines().filter((l) => l.level === 40)
    expect(warnings.map((l) => l.msg)).toContain(
      'SLACK_WEBHOOK_URL is set, but kit.config has `metrics: false`, which turns metrics and alerts off: no alert notice will be sent. Remove `metrics: false` to get alerts, or unset SLACK_WEBHOOK_URL.',
    )
    expect((await fetch(`${started.url}/metrics`)).status).toBe(404)
    expect(JSON.stringify(logs.lines())).not.toContain('s3cr3tWebhookPath')
  })

  it('turns on with ALERT_EMAIL_TO alone, and the start-up line names the mail notifier', async () => {
    const logs = new MemoryStream()
    const started = await startKit(
      framework,
      {
        logger: { destination: logs },
        envSource: {
          ALERT_EMAIL_TO: 'ops@example.com',
          MAIL_PROVIDER: 'memory',
          MAIL_FROM: 'Shop <shop@example.com>',
        },
      },
      failing(framework),
    )
    close = started.close
    const [line] = logs.lines().filter((l) => String(l.msg).startsWith('listening on'))
    expect(line!.features).toContain('metrics (/metrics; on by ALERT_EMAIL_TO)')
    expect(line!.features.find((f: string) => f.startsWith('alerts for'))).toMatch(
      /^alerts for \S+: latency, errorRate, dbLatency, eventLoopDelay, memory → log, mail$/,
    )
    expect((await fetch(`${started.url}/metrics`)).status).toBe(200)
  })
})
