import { createFakeMailer } from '@kit/mailer'
import type { ListeningApp } from '@kit/test-utils'
import { afterEach, describe, expect, it } from 'vitest'
import {
  type AlertRuleOptions,
  createMetrics,
  type Metrics,
  type MetricsContext,
  type NotifyOptions,
} from '../src/index.ts'
import {
  driveUntil,
  FRAMEWORKS,
  get,
  hit,
  memoryLogger,
  type Receiver,
  serve,
  sleep,
  startReceiver,
  value,
  waitFor,
} from './helpers.ts'

const ERROR_RATE: AlertRuleOptions = {
  kind: 'errorRate',
  severity: 'critical',
  thresholdPercent: 5,
  minRequests: 10,
  windowMs: 1500,
  cooldownMs: 60_000,
}

for (const framework of FRAMEWORKS) {
  // Recovery waits for live traffic to push errors out of the window: generous bounds on a loaded machine.
  describe(`alerts on ${framework}`, { timeout: 60_000 }, () => {
    let app: ListeningApp | undefined
    let metrics: Metrics | undefined
    let receiver: Receiver | undefined

    afterEach(async () => {
      await app?.close()
      await metrics?.close()
      await receiver?.close()
      app = metrics = receiver = undefined
    })

    async function start(
      rules: Record<string, AlertRuleOptions>,
      notify: NotifyOptions = {},
      context: MetricsContext = {},
      mode: 'ok' | 'hang' | number = 'ok',
    ) {
      receiver = await startReceiver(mode)
      metrics = createMetrics(
        {
          processMetrics: false,
          alerts: {
            preset: 'none',
            rules,
            intervalMs: 50,
            notify: { log: false, slack: { webhookUrl: receiver.url }, ...notify },
          },
        },
        {
          env: { APP_URL: 'https://app.example.test', NODE_ENV: 'production', HEROKU_APP_NAME: 'shop' },
          ...context,
        },
      )
      app = await serve(framework, metrics)
      await metrics.start()
      return { metrics, base: app.url, receiver }
    }

    describe('an errorRate rule', () => {
      it('fires exactly once during a burst of 500s, keeps its cooldown, and sends a recovery notice', async () => {
        const { metrics, base, receiver } = await start({ errorRate: ERROR_RATE })
        const statuses = await hit(base, () => '/boom', 40)
        expect(statuses.every((s) => s === 500)).toBe(true)
        await waitFor(() => receiver.received.length >= 1, 'the firing notice')
        await hit(base, () => '/boom', 20)
        await sleep(300)
        expect(receiver.received).toHaveLength(1)
        const firing = receiver.received[0]
        expect(firing.text).toContain('Critical: errorRate on shop (production)')
        expect(firing.text).toMatch(/error rate 100% ≥ 5% over the last 1\.5 s \(\d+ requests\)/)

        // Healthy traffic pushes the 500s out of the window: the rule recovers, and says so once.
        await driveUntil(base, '/hello', () => receiver.received.length >= 2, 'the recovery notice')
        expect(receiver.received[1].text).toContain('Resolved: errorRate on shop (production)')
        expect(receiver.received[1].text).toMatch(
          /error rate [\d.]+% < 5% over the last 1\.5 s \(\d+ requests\)/,
        )
        expect(metrics.alertStatus().find((s) => s.rule === 'errorRate')?.firing).toBe(false)

        // A new burst inside the cooldown fires the rule again, silently.
        await hit(base, () => '/boom', 20)
        await waitFor(() => metrics.alertStatus().some((s) => s.firing), 'the rule to fire again')
        await sleep(300)
        expect(receiver.received).toHaveLength(2)
        const text = await metrics.metrics()
        expect(value(text, 'alerts_firing', 'rule="errorRate"', 'severity="critical"')).toBe(1)
        expect(value(text, 'alert_notifications_total', 'notifier="slack"', 'result="sent"')).toBe(2)
      })

      it('announces a new incident once the cooldown has passed', async () => {
        const { base, receiver } = await start({
          errorRate: { ...ERROR_RATE, windowMs: 600, cooldownMs: 200 },
        })
        await hit(base, () => '/boom', 20)
        await waitFor(() => receiver.received.length >= 1, 'the firing notice')
        await driveUntil(base, '/hello', () => receiver.received.length >= 2, 'the recovery notice')
        await hit(base, () => '/boom', 20)
        await waitFor(() => receiver.received.length >= 3, 'a second firing notice')
        expect(receiver.received.map((m) => /Critical|Resolved/.exec(m.text)?.[0])).toEqual([
          'Critical',
          'Resolved',
          'Critical',
        ])
      })

      it('stays quiet below minRequests and below the threshold', async () => {
        const { metrics, base, receiver } = await start({ errorRate: { ...ERROR_RATE, minRequests: 30 } })
        await hit(base, () => '/boom', 5)
        await hit(base, (i) => `/users/${i}`, 20)
        await sleep(300)
        const status = metrics.alertStatus()[0]!
        expect(status).toMatchObject({ rule: 'errorRate', firing: false, count: 25 })
        expect(status.value).toBeCloseTo(0.2)
        expect(receiver.arrivals).toBe(0)
      })

      it('sends no recovery notice when recovery is false', async () => {
        const { metrics, base, receiver } = await start({ errorRate: { ...ERROR_RATE, recovery: false } })
        await hit(base, () => '/boom', 20)
        await waitFor(() => receiver.received.length === 1, 'the firing notice')
        await driveUntil(base, '/hello', () => !metrics.alertStatus()[0]!.firing, 'the rule to recover')
        await sleep(200)
        expect(receiver.received).toHaveLength(1)
      })
    })

    describe('at low traffic during an outage (too few requests: unknown)', () => {
      it('never sends "resolved" while a trickle of requests still fails, and recovers on enough healthy ones', async () => {
        const windowMs = 1000
        const { metrics, base, receiver } = await start({ errorRate: { ...ERROR_RATE, windowMs } })
        const rule = () => metrics.alertStatus()[0]!
        await hit(base, () => '/boom', 20)
        await waitFor(() => receiver.received.length === 1, 'the firing notice')

        // Night traffic: one failing request every 250 ms, about 4 per window where the rule needs 10.
        let unknownSince: number | undefined
        const deadline = Date.now() + 30_000
        while (unknownSince === undefined || Date.now() - unknownSince < 3 * windowMs) {
          if (Date.now() > deadline) throw new Error('the rule never judged the trickle as unknown')
          expect(await get(`${base}/boom`)).toBe(500)
          const status = rule()
          expect(status.firing).toBe(true)
          if (status.unknown && status.count > 0 && unknownSince === undefined) unknownSince = Date.now()
          await sleep(250)
        }
        // No traffic at all: the window empties, which is still no evidence of recovery.
        await waitFor(() => rule().unknown && rule().count === 0, 'the window to empty')
        expect(rule().firing).toBe(true)
        expect(receiver.received).toHaveLength(1)
        expect(value(await metrics.metrics(), 'alerts_firing', 'rule="errorRate"')).toBe(1)

        // Enough healthy requests below the threshold end the incident, once.
        await driveUntil(base, '/hello', () => receiver.received.length >= 2, 'the recovery notice')
        const resolved = receiver.received[1].text as string
        expect(resolved).toContain('Resolved: errorRate on shop (production)')
        const [, count] = /over the last 1 s \((\d+) requests\)/.exec(resolved) ?? []
        expect(Number(count)).toBeGreaterThanOrEqual(10)
        expect(resolved).not.toContain('fewer than')
        expect(rule()).toMatchObject({ firing: false, unknown: false })
      }, 90_000)
    })

    describe('a latency rule', () => {
      it('fires on the percentile of slow requests', async () => {
        const { base, receiver } = await start({
          latency: { kind: 'latency', percentile: 50, thresholdMs: 150, minRequests: 4, windowMs: 3000 },
        })
        await hit(base, () => '/slow?ms=250', 6, 6)
        await waitFor(() => receiver.received.length === 1, 'the latency notice')
        expect(receiver.received[0].text).toMatch(
          /p50 latency [\d.]+ m?s ≥ 150 ms over the last 3 s \([4-6] requests\)/,
        )
      })
    })

    describe('a webhook that hangs', () => {
      it('slows no request, and close() gives up on it', async () => {
        const { metrics, base, receiver } = await start(
          { errorRate: ERROR_RATE },
          { timeoutMs: 20_000, retries: 0 },
          {},
          'hang',
        )
        await hit(base, () => '/boom', 20)
        await waitFor(() => receiver.arrivals === 1, 'the notice to reach the hanging webhook')
        const started = performance.now()
        for (let i = 0; i < 30; i++) expect(await get(`${base}/users/${i}`, 2000)).toBe(200)
        expect(performance.now() - started).toBeLessThan(3000)
        expect(metrics.alertStatus()[0]!.firing).toBe(true)
        const closing = performance.now()
        await metrics.close()
        expect(performance.now() - closing).toBeLessThan(5000)
      })

      it('logs a timed-out attempt without the webhook URL', async () => {
        const log = memoryLogger()
        const { base, receiver } = await start(
          { errorRate: ERROR_RATE },
          { timeoutMs: 200, retries: 0 },
          { log },
          'hang',
        )
        await hit(base, () => '/boom', 20)
        await waitFor(() => log.lines.some((l) => l.level === 'error'), 'the delivery failure')
        expect(log.text()).toContain('no answer within 200 ms')
        expect(log.text()).not.toContain('s3cr3tWebhookPath')
        expect(receiver.arrivals).toBe(1)
      })
    })
  })
}

describe('notifiers', { timeout: 60_000 }, () => {
  let app: ListeningApp | undefined
  let metrics: Metrics | undefined
  let receiver: Receiver | undefined

  afterEach(async () => {
    await app?.close()
    await metrics?.close()
    await receiver?.close()
    app = metrics = receiver = undefined
  })

  /** An Express app whose errorRate rule notifies as `setup` says, given the receiver's URL. */
  async function start(
    setup: (webhookUrl: string) => { notify: NotifyOptions; context?: MetricsContext },
    mode: 'ok' | number = 'ok',
  ) {
    receiver = await startReceiver(mode)
    const { notify, context = {} } = setup(receiver.url)
    metrics = createMetrics(
      {
        processMetrics: false,
        alerts: { preset: 'none', rules: { errorRate: ERROR_RATE }, intervalMs: 50, notify },
      },
      {
        ...context,
        env: { APP_URL: 'https://app.example.test', SENTRY_RELEASE: 'v42', DYNO: 'web.3', ...context.env },
      },
    )
    app = await serve('express', metrics)
    await metrics.start()
    return { metrics, base: app.url, receiver }
  }

  describe('slack', () => {
    it('posts blocks with the numbers, the instance and a link to APP_URL (SLACK_WEBHOOK_URL)', async () => {
      const { base, receiver } = await start((url) => ({
        notify: { log: false },
        context: { env: { SLACK_WEBHOOK_URL: url } },
      }))
      await hit(base, () => '/boom', 12)
      await waitFor(() => receiver.received.length === 1, 'the notice')
      const message = receiver.received[0]
      // No platform app name in this env: the service is the name in the nearest package.json.
      expect(message.text).toMatch(
        /^:red_circle: Critical: errorRate on [\w@/.-]+ \(\w+\): error rate 100% ≥ 5%/,
      )
      expect(message.text).not.toMatch(/on app \(/)
      expect(message.blocks[0]).toEqual({
        type: 'header',
        text: { type: 'plain_text', text: 'CRITICAL: errorRate', emoji: true },
      })
      const fields = message.blocks[2].fields.map((f: { text: string }) => f.text)
      expect(fields).toEqual([
        '*Value*\n100%',
        '*Threshold*\n5%',
        '*Window*\n1.5 s',
        expect.stringMatching(/^\*Observations\*\n1[0-2]$/),
        '*Instance*\nweb.3',
        '*Release*\nv42',
      ])
      expect(message.blocks.at(-1)).toEqual({
        type: 'actions',
        elements: [
          {
            type: 'button',
            text: { type: 'plain_text', text: 'Open the app' },
            url: 'https://app.example.test',
          },
        ],
      })
    })

    it('retries a failing webhook with backoff and logs each failure without the URL', async () => {
      const log = memoryLogger()
      const { base, receiver } = await start(
        (url) => ({
          notify: { log: false, retries: 2, retryDelayMs: 50, slack: { webhookUrl: url } },
          context: { log },
        }),
        503,
      )
      await hit(base, () => '/boom', 12)
      await waitFor(() => log.lines.some((l) => l.level === 'error'), 'the final failure')
      expect(receiver.arrivals).toBe(3)
      const attempts = log.lines.filter((l) => l.message.includes('slack alert notice'))
      expect(attempts.map((l) => [l.level, (l.fields as { attempt: number }).attempt])).toEqual([
        ['warn', 1],
        ['warn', 2],
        ['error', 3],
      ])
      expect(log.text()).toContain('Slack answered 503')
      expect(log.text()).not.toContain('s3cr3tWebhookPath')
      expect(value(await metrics!.metrics(), 'alert_notifications_total', 'result="failed"')).toBe(1)
    })

    it('does not retry a webhook Slack no longer knows (4xx)', async () => {
      const log = memoryLogger()
      const { base, receiver } = await start(
        (url) => ({
          notify: { log: false, retries: 3, retryDelayMs: 10, slack: { webhookUrl: url } },
          context: { log },
        }),
        404,
      )
      await hit(base, () => '/boom', 12)
      await waitFor(() => log.lines.some((l) => l.level === 'error'), 'the failure')
      await sleep(100)
      expect(receiver.arrivals).toBe(1)
      expect(log.text()).toContain('Slack answered 404 \\"no_service\\"')
    })
  })

  describe('mail', () => {
    it('mails the recipients through the mailer of the context, created on first use', async () => {
      const mailer = createFakeMailer()
      let created = 0
      const { base } = await start(() => ({
        notify: { log: false, slack: false },
        context: {
          env: {
            ALERT_EMAIL_TO: 'ops@example.test, oncall@example.test',
            HEROKU_APP_NAME: 'shop',
            NODE_ENV: 'production',
          },
          mailer: () => {
            created++
            return mailer
          },
        },
      }))
      expect(created).toBe(0)
      await hit(base, () => '/boom', 12)
      await waitFor(() => mailer.sent().length === 1, 'the alert mail')
      const mail = mailer.assertSent({
        to: 'oncall@example.test',
        subject: '[alert] CRITICAL: errorRate on shop (production)',
      })
      expect(mail.text).toMatch(/^error rate 100% ≥ 5% over the last 1\.5 s \(1[0-2] requests\)\.$/m)
      expect(mail.text).toContain('App: https://app.example.test')
      await driveUntil(base, '/hello', () => mailer.sent().length === 2, 'the recovery mail')
      mailer.assertSent({ subject: '[alert] resolved: errorRate on shop (production)' })
      expect(created).toBe(1)
    })

    it('warns once that alerts are not mailed when recipients are set without a mailer', async () => {
      const log = memoryLogger()
      await start(() => ({ notify: { log: false, mail: { to: 'ops@example.test' } }, context: { log } }))
      expect(log.lines.filter((l) => l.level === 'warn' && l.message.includes('no mailer'))).toHaveLength(1)
    })
  })

  describe('log', () => {
    it('logs firing at error (critical) and the recovery at info', async () => {
      const log = memoryLogger()
      const { base } = await start(() => ({ notify: {}, context: { log } }))
      await hit(base, () => '/boom', 12)
      await waitFor(() => log.lines.some((l) => l.message.startsWith('alert firing')), 'the firing line')
      await driveUntil(
        base,
        '/hello',
        () => log.lines.some((l) => l.message.startsWith('alert resolved')),
        'the recovery line',
      )
      const alerts = log.lines.filter((l) => l.message.startsWith('alert '))
      expect(alerts.map((l) => [l.level, l.message.split(':')[0]])).toEqual([
        ['error', 'alert firing'],
        ['info', 'alert resolved'],
      ])
      expect(alerts[0]!.fields).toMatchObject({
        alert: {
          rule: 'errorRate',
          kind: 'errorRate',
          severity: 'critical',
          state: 'firing',
          threshold: 0.05,
        },
      })
    })
  })
})
