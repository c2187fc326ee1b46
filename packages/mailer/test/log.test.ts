import { MemoryStream } from '@kit/test-utils'
import pino from 'pino'
import { describe, expect, it } from 'vitest'
import { createMailer } from '../src/index.ts'
import { createLogTransport, LOG_TEXT_LIMIT } from '../src/transports/log.ts'
import { outgoing } from './conformance.ts'

describe('log transport (MAIL_PROVIDER=log)', () => {
  it('is what MAIL_PROVIDER=log builds, as @kit/env accepts and documents it', async () => {
    const stream = new MemoryStream()
    const mailer = createMailer(
      {},
      { env: { NODE_ENV: 'development', MAIL_PROVIDER: 'log' }, log: pino(stream) },
    )
    expect(mailer.providers).toEqual(['log'])
    const result = await mailer.send({
      to: 'ada@example.com',
      subject: 'Your login link',
      text: 'Open https://x.test/l/1',
    })
    expect(result.accepted).toEqual(['ada@example.com'])
    const line = stream.lines().find((l) => l.mail !== undefined)
    expect(line).toMatchObject({
      level: 30,
      msg: 'mail logged, not sent: "Your login link" to ada@example.com',
      mail: { to: ['ada@example.com'], subject: 'Your login link', text: 'Open https://x.test/l/1' },
    })
  })

  it('reads the chain as the array @kit/env parses it into', () => {
    const mailer = createMailer(
      {},
      { env: { NODE_ENV: 'development', MAIL_PROVIDER: ['log', 'file'] }, cwd: '/tmp' },
    )
    expect(mailer.providers).toEqual(['log', 'file'])
  })

  it('warns in production that nothing is delivered', () => {
    const stream = new MemoryStream()
    createMailer({}, { env: { NODE_ENV: 'production', MAIL_PROVIDER: 'log' }, log: pino(stream) })
    expect(stream.lines()).toContainEqual(
      expect.objectContaining({ level: 40, msg: expect.stringContaining('nothing is delivered') }),
    )
  })

  it('cuts a long text part so one message stays one readable line', async () => {
    const stream = new MemoryStream()
    const transport = createLogTransport({ log: pino(stream) })
    await transport.send(await outgoing({ text: 'x'.repeat(LOG_TEXT_LIMIT + 50) }))
    const [line] = stream.lines()
    expect((line!.mail as { text: string }).text).toHaveLength(LOG_TEXT_LIMIT + 1)
    expect(await transport.verify()).toBe('written to the log')
  })
})
