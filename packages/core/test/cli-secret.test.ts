import { describe, expect, it } from 'vitest'
import { runInProcess, runKit } from './cli-helpers.ts'

describe('kit secret', () => {
  it('prints 32 random bytes as base64url by default (spawned)', async () => {
    const [a, b] = await Promise.all([runKit(['secret']), runInProcess(['secret'])])
    expect(a.code).toBe(0)
    expect(a.stderr).toBe('')
    expect(a.stdout).toMatch(/^[A-Za-z0-9_-]{43}\n$/)
    expect(Buffer.from(a.stdout.trim(), 'base64url')).toHaveLength(32)
    expect(b.stdout).toMatch(/^[A-Za-z0-9_-]{43}\n$/)
    expect(a.stdout).not.toBe(b.stdout)
  })

  it('takes --bytes and --format hex (spawned)', async () => {
    const { code, stdout } = await runKit(['secret', '--bytes', '64', '--format', 'hex'])
    expect(code).toBe(0)
    expect(stdout).toMatch(/^[0-9a-f]{128}\n$/)
  })

  it('never repeats itself', async () => {
    const values = new Set<string>()
    for (let i = 0; i < 20; i++) values.add((await runInProcess(['secret', '--bytes', '16'])).stdout)
    expect(values.size).toBe(20)
  })

  it('prints JSON with --json', async () => {
    const { code, stdout } = await runInProcess(['secret', '--json', '--bytes=16'])
    expect(code).toBe(0)
    expect(JSON.parse(stdout)).toEqual({
      secret: expect.stringMatching(/^[A-Za-z0-9_-]{22}$/),
      bytes: 16,
      format: 'base64url',
    })
  })

  it.each([
    [['--bytes', '8'], '--bytes must be a whole number from 16 to 1024, got "8".'],
    [['--bytes', '2048'], '--bytes must be a whole number from 16 to 1024, got "2048".'],
    [['--bytes', 'lots'], '--bytes must be a whole number from 16 to 1024, got "lots".'],
    [['--bytes', '32.5'], '--bytes must be a whole number from 16 to 1024, got "32.5".'],
    [['--format', 'base32'], '--format must be base64url or hex, got "base32".'],
  ])('refuses %j with exit code 2', async (args, message) => {
    const { code, stdout, stderr } = await runInProcess(['secret', ...args])
    expect(code).toBe(2)
    expect(stdout).toBe('')
    expect(stderr).toBe(`error: ${message}\nRun \`kit secret --help\` for usage.\n`)
  })
})
