import { describe, expect, it } from 'vitest'
import { detectRelease, RELEASE_ENV_NAMES, RELEASE_SOURCES } from '../src/index.ts'

describe('detectRelease', () => {
  it.each([
    ['HEROKU_BUILD_COMMIT', 'a1b2c3', 'a1b2c3'],
    ['HEROKU_SLUG_COMMIT', 'a1b2c3', 'a1b2c3'],
    ['RENDER_GIT_COMMIT', ' d4e5f6\n', 'd4e5f6'],
    ['RAILWAY_GIT_COMMIT_SHA', '0a0b0c', '0a0b0c'],
    ['FLY_IMAGE_REF', 'registry.fly.io/shop:deployment-01HZX4K2', 'deployment-01HZX4K2'],
    ['GIT_SHA', 'feed42', 'feed42'],
  ])('reads %s', (name, value, release) => {
    expect(detectRelease({ [name]: value })).toEqual({ release, source: name })
  })

  it('gives no release for a Fly.io image reference without a tag (a release name has no "/")', () => {
    expect(detectRelease({ FLY_IMAGE_REF: 'registry.fly.io/shop@sha256:0123abcd' })).toBeUndefined()
    expect(detectRelease({ FLY_IMAGE_REF: 'registry.fly.io:5000/shop' })).toBeUndefined()
  })

  it('takes the first source in order, skipping empty values and names asked to skip', () => {
    expect(detectRelease({ GIT_SHA: 'late', SENTRY_RELEASE: ' ', RENDER_GIT_COMMIT: 'first' })?.release).toBe(
      'first',
    )
    expect(detectRelease({ SENTRY_RELEASE: 'mine', GIT_SHA: 'sha' }, { skip: ['SENTRY_RELEASE'] })).toEqual({
      release: 'sha',
      source: 'GIT_SHA',
    })
  })

  it('lists each source once, SENTRY_RELEASE first', () => {
    expect(RELEASE_ENV_NAMES[0]).toBe('SENTRY_RELEASE')
    expect(new Set(RELEASE_ENV_NAMES).size).toBe(RELEASE_SOURCES.length)
  })
})
