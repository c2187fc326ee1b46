/**
 * Where a release name comes from: the one list @kit/env (SENTRY_RELEASE's
 * platform default) and @kit/sentry (the release it reports) both read.
 * In order: an explicit SENTRY_RELEASE, then what each hosting platform kit
 * has a preset for sets (Heroku, Render, Railway, Fly.io; DigitalOcean App
 * Platform sets nothing), then other hosts, CI and generic names. The first
 * non-empty value wins, so every instance of one build reports one release.
 */
export interface ReleaseSource {
  /** The env variable read. */
  name: string
  /** Who sets it, for docs and `kit doctor`. */
  setBy: string
  /** Turns the raw value into a release name; undefined when it holds none. @default the trimmed value */
  read?(value: string): string | undefined
}

// Fly.io's FLY_IMAGE_REF is `registry.fly.io/<app>:deployment-<id>` (or `@sha256:…`):
// the tag names the deployment. Sentry release names cannot contain "/", so a
// reference with no tag gives none.
function flyDeploymentTag(ref: string): string | undefined {
  const at = ref.lastIndexOf(':')
  if (at === -1 || ref.includes('@')) return undefined
  const tag = ref.slice(at + 1)
  return tag !== '' && !tag.includes('/') ? tag : undefined
}

export const RELEASE_SOURCES: readonly ReleaseSource[] = Object.freeze([
  { name: 'SENTRY_RELEASE', setBy: 'you' },
  { name: 'HEROKU_BUILD_COMMIT', setBy: 'Heroku (dyno metadata)' },
  { name: 'HEROKU_SLUG_COMMIT', setBy: 'Heroku (dyno metadata, older name)' },
  { name: 'SOURCE_VERSION', setBy: 'Heroku (at build time)' },
  { name: 'RENDER_GIT_COMMIT', setBy: 'Render' },
  { name: 'RAILWAY_GIT_COMMIT_SHA', setBy: 'Railway' },
  { name: 'FLY_IMAGE_REF', setBy: 'Fly.io (the deployment tag of the image)', read: flyDeploymentTag },
  { name: 'VERCEL_GIT_COMMIT_SHA', setBy: 'Vercel' },
  { name: 'CF_PAGES_COMMIT_SHA', setBy: 'Cloudflare Pages' },
  { name: 'GITHUB_SHA', setBy: 'GitHub Actions' },
  { name: 'CI_COMMIT_SHA', setBy: 'GitLab CI' },
  { name: 'GIT_SHA', setBy: 'you (any host)' },
  { name: 'GIT_COMMIT', setBy: 'you (any host)' },
])

/** The env names of RELEASE_SOURCES, in order. */
export const RELEASE_ENV_NAMES: readonly string[] = Object.freeze(RELEASE_SOURCES.map((s) => s.name))

export interface DetectedRelease {
  release: string
  /** The env name it came from. */
  source: string
}

/** The release the environment names, from the first source that gives one; undefined when none does. */
export function detectRelease(
  env: { readonly [name: string]: unknown },
  options: { skip?: readonly string[] } = {},
): DetectedRelease | undefined {
  for (const { name, read } of RELEASE_SOURCES) {
    if (options.skip?.includes(name)) continue
    const value = env[name]
    if (typeof value !== 'string') continue
    const release = (read ? read(value.trim()) : value)?.trim()
    if (release) return { release, source: name }
  }
  return undefined
}
