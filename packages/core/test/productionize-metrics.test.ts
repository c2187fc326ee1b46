import { describe, expect, it } from 'vitest'
import { startKit } from './helpers/start-kit.ts'

describe.each(['express', 'fastify'] as const)('metrics through productionize() on %s', (framework) => {
  it('serves /metrics with the token, per route template, and never counts health probes', async () => {
    const token = 'metrics-token-0123456789abcdef'
    const { url, close } = await startKit(
      framework,
      { envSource: { METRICS_TOKEN: token }, metrics: { trustPrivateNetwork: false } },
      (app) => {
        if (framework === 'express')
          app.get('/users/:id', (req: any, res: any) => res.json({ id: req.params.id }))
        else app.get('/users/:id', async (req: any) => ({ id: req.params.id }))
      },
    )
    for (let i = 0; i < 5; i++) await fetch(`${url}/users/${i}`)
    await fetch(`${url}/health/live`)
    expect((await fetch(`${url}/metrics`)).status).toBe(401)
    const res = await fetch(`${url}/metrics`, { headers: { authorization: `Bearer ${token}` } })
    expect(res.status).toBe(200)
    const text = await res.text()
    expect(text).toMatch(/route="\/users\/:id"/)
    expect(text).not.toMatch(/route="\/users\/\d/)
    expect(text).not.toMatch(/route="\/health/)
    await close()
  })

  it('counts kit.mailer sends by provider and result', async () => {
    const { kit, url, close } = await startKit(framework, {
      envSource: { MAIL_PROVIDER: 'memory', MAIL_FROM: 'App <app@example.com>' },
      metrics: {},
    })
    await kit.mailer!.send({ to: 'user@example.com', subject: 'Hi', text: 'Hello' })
    const text = await (await fetch(`${url}/metrics`)).text()
    expect(text).toMatch(/mail_sends_total\{[^}]*provider="memory"[^}]*\} 1/)
    await close()
  })

  it('is off unless configured', async () => {
    const { url, close } = await startKit(framework, {})
    expect((await fetch(`${url}/metrics`)).status).toBe(404)
    await close()
  })
})
