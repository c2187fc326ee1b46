import { checkEnv, detectPreset, loadEnv, PRESET_NAMES, PRESETS } from '@kit/env'
import { describe, expect, it } from 'vitest'

const load = (source: Record<string, string>) => loadEnv({ source, dotenv: false })
const statusOf = (source: Record<string, string>, name: string) =>
  checkEnv({ source, dotenv: false }).variables.find((v) => v.name === name)

describe('detection', () => {
  it.each([
    [{ DYNO: 'web.1' }, 'heroku'],
    [{ RENDER: 'true' }, 'render'],
    [{ FLY_APP_NAME: 'my-app' }, 'fly'],
    [{ RAILWAY_ENVIRONMENT: 'production' }, 'railway'],
    [{}, undefined],
  ])('detects %j as %s', (source, name) => {
    expect(detectPreset(source)).toBe(name)
    expect(checkEnv({ source, dotenv: false }).preset).toBe(name)
  })

  it('never detects DigitalOcean, which sets no marker: KIT_PRESET chooses it', () => {
    expect(PRESETS.digitalocean.detectedBy).toBeUndefined()
    expect(checkEnv({ source: { KIT_PRESET: 'digitalocean' }, dotenv: false }).preset).toBe('digitalocean')
  })

  it('lists every preset', () => {
    expect(PRESET_NAMES).toEqual(['heroku', 'render', 'fly', 'railway', 'digitalocean'])
  })
})

describe('choice', () => {
  it('lets the code option beat KIT_PRESET and detection', () => {
    expect(
      checkEnv({ source: { DYNO: 'web.1', KIT_PRESET: 'render' }, preset: 'fly', dotenv: false }).preset,
    ).toBe('fly')
  })
  it("lets KIT_PRESET choose when the code says 'auto'", () => {
    expect(
      checkEnv({ source: { DYNO: 'web.1', KIT_PRESET: 'render' }, preset: 'auto', dotenv: false }).preset,
    ).toBe('render')
  })
  it('lets KIT_PRESET beat detection', () => {
    expect(checkEnv({ source: { DYNO: 'web.1', KIT_PRESET: 'Railway' }, dotenv: false }).preset).toBe(
      'railway',
    )
  })
  it.each([false as const, 'none', 'off'])('turns presets off with %j', (choice) => {
    const source = typeof choice === 'string' ? { DYNO: 'web.1', KIT_PRESET: choice } : { DYNO: 'web.1' }
    const result = checkEnv({ source, dotenv: false, ...(choice === false ? { preset: false } : {}) })
    expect(result.preset).toBeUndefined()
    expect(result.env?.TRUST_PROXY).toBe(false)
  })
  it('reports an unknown KIT_PRESET with the others', () => {
    expect(
      checkEnv({ source: { KIT_PRESET: 'vercel', PORT: 'x' }, dotenv: false }).problems.map((p) => p.name),
    ).toEqual(['KIT_PRESET', 'PORT'])
    expect(checkEnv({ source: { KIT_PRESET: 'vercel' }, dotenv: false }).problems[0]).toEqual({
      name: 'KIT_PRESET',
      problem: 'expected one of heroku, render, fly, railway, digitalocean, auto or none, got "vercel"',
      fix: 'Set KIT_PRESET to your platform, or unset it to detect the platform.',
    })
  })
})

describe('Heroku', () => {
  const heroku = {
    DYNO: 'web.1',
    NODE_ENV: 'production',
    PORT: '41234',
    DATABASE_URL: 'postgres://u:p@ec2-1-2-3-4.compute-1.amazonaws.com:5432/d1',
    REDIS_URL: 'redis://h:6379',
    REDIS_TLS_URL: 'rediss://h:6380',
    HEROKU_SLUG_COMMIT: '2c3a0b24069af49b3de35b8e8c26765c1dba9ff0',
  }
  it('trusts one proxy hop, uses the TLS Redis URL and the slug commit as release', () => {
    expect(load(heroku)).toMatchObject({
      TRUST_PROXY: 1,
      PORT: 41234,
      REDIS_URL: 'rediss://h:6380',
      SENTRY_RELEASE: '2c3a0b24069af49b3de35b8e8c26765c1dba9ff0',
    })
  })
  it('shows where each value came from', () => {
    expect(statusOf(heroku, 'TRUST_PROXY')).toMatchObject({
      status: 'preset',
      origin: 'heroku preset',
      display: '1',
    })
    expect(statusOf(heroku, 'REDIS_URL')).toMatchObject({ status: 'set', origin: 'REDIS_TLS_URL' })
    expect(statusOf(heroku, 'SENTRY_RELEASE')).toMatchObject({ status: 'preset', origin: 'platform' })
  })
  it('never overrides a value you set', () => {
    expect(load({ ...heroku, TRUST_PROXY: '2' }).TRUST_PROXY).toBe(2)
  })
})

describe('Render', () => {
  it('takes APP_URL from RENDER_EXTERNAL_URL and the release from RENDER_GIT_COMMIT', () => {
    expect(
      load({ RENDER: 'true', RENDER_EXTERNAL_URL: 'https://my-app.onrender.com', RENDER_GIT_COMMIT: 'abc' }),
    ).toMatchObject({ TRUST_PROXY: 1, APP_URL: 'https://my-app.onrender.com', SENTRY_RELEASE: 'abc' })
  })
})

describe('Fly.io', () => {
  it('derives APP_URL from the app name and the release from the image tag', () => {
    expect(
      load({ FLY_APP_NAME: 'my-app', FLY_IMAGE_REF: 'registry.fly.io/my-app:deployment-01H8Z' }),
    ).toMatchObject({ TRUST_PROXY: 1, APP_URL: 'https://my-app.fly.dev', SENTRY_RELEASE: 'deployment-01H8Z' })
  })
})

describe('Railway', () => {
  it('derives APP_URL from the public domain, when there is one', () => {
    expect(
      load({
        RAILWAY_ENVIRONMENT: 'production',
        RAILWAY_PUBLIC_DOMAIN: 'my-app.up.railway.app',
        RAILWAY_GIT_COMMIT_SHA: 'f00',
      }),
    ).toMatchObject({ TRUST_PROXY: 1, APP_URL: 'https://my-app.up.railway.app', SENTRY_RELEASE: 'f00' })
    expect(load({ RAILWAY_ENVIRONMENT: 'production' }).APP_URL).toBeUndefined()
  })
})

describe('DigitalOcean App Platform', () => {
  it('trusts one proxy hop', () => {
    expect(load({ KIT_PRESET: 'digitalocean' }).TRUST_PROXY).toBe(1)
  })
})

describe('validation', () => {
  it('validates preset values like any other (the production https rule included)', () => {
    const result = checkEnv({
      source: { RENDER: 'true', NODE_ENV: 'production', RENDER_EXTERNAL_URL: 'http://my-app.onrender.com' },
      dotenv: false,
    })
    expect(result.problems.map((p) => p.name)).toEqual(['APP_URL'])
  })
})
