import type { SentryEnv } from './options.ts'

/**
 * Where a release name comes from, in order: an explicit SENTRY_RELEASE,
 * then the commit the hosting platform built (Heroku, Render, Railway,
 * Vercel, Cloudflare Pages), then CI and generic names. The first non-empty
 * value wins, so the same build reports the same release on every dyno.
 */
export const RELEASE_ENV_NAMES: readonly string[] = Object.freeze([
  'SENTRY_RELEASE',
  'HEROKU_BUILD_COMMIT',
  'HEROKU_SLUG_COMMIT',
  'SOURCE_VERSION',
  'RENDER_GIT_COMMIT',
  'RAILWAY_GIT_COMMIT_SHA',
  'VERCEL_GIT_COMMIT_SHA',
  'CF_PAGES_COMMIT_SHA',
  'GITHUB_SHA',
  'CI_COMMIT_SHA',
  'GIT_SHA',
  'GIT_COMMIT',
])

export interface DetectedRelease {
  release: string
  /** The env name it came from, for the debug channel and `kit doctor`. */
  source: string
}

export function detectRelease(env: SentryEnv): DetectedRelease | undefined {
  for (const name of RELEASE_ENV_NAMES) {
    const value = env[name]
    if (typeof value === 'string' && value.trim() !== '') return { release: value.trim(), source: name }
  }
  return undefined
}
