import { describe, expect, it } from 'vitest'
import { startKit } from './helpers/start-kit.ts'

const flags = {
  newCheckout: { default: false },
  checkoutCopy: { default: 'a', variants: ['a', 'b'] },
} as const

describe.each(['express', 'fastify'] as const)('kit.flags and per-request flags on %s', (framework) => {
  it('layers env over code defaults and binds req.flags to the request', async () => {
    const { kit, url, close } = await startKit(
      framework,
      { envSource: { FLAG_NEW_CHECKOUT: 'true' }, flags, flagOptions: { file: false } },
      (app) => {
        const handler = (req: any) => ({
          newCheckout: req.flags.isEnabled('newCheckout'),
          copy: req.flags.variant('checkoutCopy'),
        })
        if (framework === 'express') app.get('/checkout', (req: any, res: any) => res.json(handler(req)))
        else app.get('/checkout', async (req: any) => handler(req))
      },
    )
    expect(kit.flags!.get('newCheckout')).toBe(true)
    expect(kit.flags!.get('checkoutCopy')).toBe('a')
    const res = await fetch(`${url}/checkout`)
    expect(await res.json()).toEqual({ newCheckout: true, copy: 'a' })
    await close()
  })

  it('has no kit.flags when kit.config defines none', async () => {
    const { kit, close } = await startKit(framework, {})
    expect('flags' in kit).toBe(false)
    await close()
  })
})
