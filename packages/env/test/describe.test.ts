import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { parseEnv } from 'node:util'
import { BUILTIN_NAMES, bool, describeEnv, renderEnvExample, secret, z } from '@kit/env'
import { WORKSPACE_ROOT } from '@kit/test-utils'
import { describe, expect, it } from 'vitest'
import { loadEnvFrom } from './helpers.ts'

const appSchema = {
  OPENAI_API_KEY: z.string().startsWith('sk-').describe('OpenAI API key for /api/ai.'),
  SESSION_SECRET: secret().meta({ description: 'Signs session cookies.' }),
  BETA: bool().default(false).meta({ description: 'Turns on beta features.', group: 'Features' }),
  NICKNAME: z.string().optional(),
}

describe('describeEnv()', () => {
  it('describes every built-in variable', () => {
    const described = describeEnv()
    expect(described.map((d) => d.name)).toEqual([...BUILTIN_NAMES])
    for (const variable of described) {
      expect(variable.description, variable.name).toMatch(/\w{3,}/)
      expect(variable.builtin).toBe(true)
    }
  })

  it('covers exactly the names in the parsed env', () => {
    expect(Object.keys(loadEnvFrom({})).sort()).toEqual([...BUILTIN_NAMES].sort())
  })

  it('shows defaults, secrets and conditional requirements', () => {
    const byName = new Map(describeEnv().map((d) => [d.name, d]))
    expect(byName.get('PORT')).toMatchObject({
      default: '3000',
      defaultValue: '3000',
      required: false,
      secret: false,
    })
    expect(byName.get('FORCE_HTTPS')).toMatchObject({
      default: 'true in production, else false',
      defaultValue: undefined,
    })
    expect(byName.get('ALLOWED_ORIGINS')).toMatchObject({
      default: 'none (same-origin only)',
      defaultValue: '',
    })
    expect(byName.get('SENDGRID_API_KEY')).toMatchObject({
      secret: true,
      required: false,
      requiredWhen: 'MAIL_PROVIDER includes sendgrid',
    })
    expect([...byName.values()].filter((d) => d.secret).map((d) => d.name)).toEqual([
      'DATABASE_URL',
      'REDIS_URL',
      'SENTRY_DSN',
      'SENDGRID_API_KEY',
      'RESEND_API_KEY',
      'SMTP_URL',
      'KIT_HEALTH_TOKEN',
      'METRICS_TOKEN',
      'SLACK_WEBHOOK_URL',
    ])
  })

  it('reads the app schema: description, meta, secret by helper or by name, required', () => {
    const app = describeEnv(appSchema).filter((d) => !d.builtin)
    expect(app).toEqual([
      expect.objectContaining({
        name: 'OPENAI_API_KEY',
        description: 'OpenAI API key for /api/ai.',
        secret: true,
        required: true,
        group: 'App',
      }),
      expect.objectContaining({
        name: 'SESSION_SECRET',
        description: 'Signs session cookies.',
        secret: true,
        required: true,
      }),
      expect.objectContaining({
        name: 'BETA',
        description: 'Turns on beta features.',
        secret: false,
        required: false,
        default: 'false',
        group: 'Features',
      }),
      expect.objectContaining({
        name: 'NICKNAME',
        description: undefined,
        secret: false,
        required: false,
        default: undefined,
      }),
    ])
  })

  it('keeps the secret mark through optional() and describe()', () => {
    const [described] = describeEnv({ TOKEN_X: secret().optional().describe('x') }).filter((d) => !d.builtin)
    expect(described).toMatchObject({ secret: true, description: 'x', required: false })
  })

  it('lets an app variable replace a built-in one in place', () => {
    const port = describeEnv({ PORT: z.string().describe('Socket path') }).find((d) => d.name === 'PORT')
    expect(port).toMatchObject({ builtin: false, description: 'Socket path', required: true })
  })
})

describe('renderEnvExample()', () => {
  const text = renderEnvExample(appSchema)

  it('lists the app variables first, then every built-in one, by group', () => {
    const names = [...text.matchAll(/^(?:# )?([A-Z][A-Z0-9_]+)=/gm)].map((m) => m[1])
    expect(names).toEqual(['OPENAI_API_KEY', 'SESSION_SECRET', 'NICKNAME', 'BETA', ...BUILTIN_NAMES])
    expect(text.indexOf('# ---- App ----')).toBeLessThan(text.indexOf('# ---- Features ----'))
    expect(text).toContain('# ---- Mail ----')
  })

  it('leaves required variables empty and comments out the others with their default', () => {
    expect(text).toMatch(/^OPENAI_API_KEY=$/m)
    expect(text).toMatch(/^SESSION_SECRET=$/m)
    expect(text).toMatch(/^# PORT=3000$/m)
    expect(text).toMatch(/^# BETA=false$/m)
    expect(text).toMatch(/^# MAIL_PROVIDER=sendgrid,resend$/m)
    expect(text).toMatch(/^# DATABASE_URL=$/m)
  })

  it('explains each variable', () => {
    expect(text).toContain(
      [
        '# Signs session cookies.',
        '# Required.',
        '# Secret: keep it out of git; generate tokens with `npx kit secret`.',
        'SESSION_SECRET=',
      ].join('\n'),
    )
    expect(text).toContain('# Required when MAIL_PROVIDER includes sendgrid.\n')
    expect(text).toContain('# Default: true in production, else false.\n# FORCE_HTTPS=\n')
  })

  it('wraps comments and never prints an example value for a secret', () => {
    for (const line of text.split('\n'))
      if (line.startsWith('# ') && !line.includes('=')) expect(line.length).toBeLessThanOrEqual(80)
    expect(text).toMatch(/^# SENDGRID_API_KEY=$/m)
    expect(text).toMatch(/^# KIT_HEALTH_TOKEN=$/m)
  })

  it('parses back as a valid development environment once required values are filled', () => {
    const filled = text
      .replace(/^OPENAI_API_KEY=$/m, 'OPENAI_API_KEY=sk-1')
      .replace(/^SESSION_SECRET=$/m, 'SESSION_SECRET=dev')
    const env = loadEnvFrom(parseEnv(filled) as Record<string, string>, { schema: appSchema })
    expect(env.OPENAI_API_KEY).toBe('sk-1')
  })
})

describe('docs/configuration.md', () => {
  it('documents every built-in variable in a table row', () => {
    const doc = readFileSync(join(WORKSPACE_ROOT, 'docs/configuration.md'), 'utf8')
    const documented = [...doc.matchAll(/^\| `([A-Z][A-Z0-9_]+)` +\|/gm)].map((m) => m[1])
    expect(documented).toEqual([...BUILTIN_NAMES])
  })
})
