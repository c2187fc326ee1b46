import { createRequire } from 'node:module'
import { fileURLToPath } from 'node:url'
import { KitError } from '@kit/internal'
import type { SentrySdk } from './state.ts'

const require = createRequire(import.meta.url)

/**
 * Loads @sentry/node synchronously. The preload must finish initialising
 * before the app imports Express, and a top-level await would make
 * `require('@kit/sentry/instrument')` fail (ERR_REQUIRE_ASYNC_MODULE), so the
 * SDK's ESM build is require()d (Node >= 20.19): it lands in the ESM cache,
 * and the app's own `import * as Sentry from '@sentry/node'` gets the same
 * instance instead of a second copy.
 */
export function loadSentrySdk(): SentrySdk {
  let sdk: SentrySdk
  try {
    const url = typeof import.meta.resolve === 'function' ? import.meta.resolve('@sentry/node') : undefined
    sdk = url?.startsWith('file:') ? requireEsm(fileURLToPath(url)) : (require('@sentry/node') as SentrySdk)
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code
    if (code === 'ERR_MODULE_NOT_FOUND' || code === 'MODULE_NOT_FOUND') {
      throw new KitError(
        'KIT_SENTRY_SDK_MISSING',
        'SENTRY_DSN is set, but @sentry/node is not installed. Run `npm install @sentry/node` (or pnpm add / yarn add) in your app, or unset SENTRY_DSN to run without error tracking.',
        { cause: error },
      )
    }
    throw error
  }
  return checkSdkVersion(sdk)
}

/** The oldest @sentry/node major whose options kit passes (`dataCollection`, `traceLifecycle`). */
export const SENTRY_MAJOR = 11

/**
 * The peer range also accepts older majors so that an app on them can install
 * kit (npm refuses a conflicting optional peer, ERESOLVE, even when the app
 * never turns kit's Sentry on); turning it on with one is a clear error.
 */
export function checkSdkVersion(sdk: SentrySdk): SentrySdk {
  const version = String((sdk as { SDK_VERSION?: unknown }).SDK_VERSION ?? '')
  const major = Number.parseInt(version, 10)
  if (Number.isInteger(major) && major < SENTRY_MAJOR) {
    throw new KitError(
      'KIT_SENTRY_SDK_UNSUPPORTED',
      `SENTRY_DSN is set, but the app has @sentry/node ${version}; kit's error tracking passes @sentry/node ${SENTRY_MAJOR} options (its privacy defaults through dataCollection). Run \`npm install @sentry/node@^${SENTRY_MAJOR}\` (Sentry's migration guide: https://docs.sentry.io/platforms/javascript/guides/node/migration/), or unset SENTRY_DSN to run without kit's error tracking.`,
    )
  }
  return sdk
}

function requireEsm(file: string): SentrySdk {
  try {
    return require(file) as SentrySdk
  } catch (error) {
    // A future SDK with top-level await, or a runtime without require(esm): use the CommonJS build.
    const code = (error as NodeJS.ErrnoException).code
    if (code === 'ERR_REQUIRE_ASYNC_MODULE' || code === 'ERR_REQUIRE_ESM') return require('@sentry/node')
    throw error
  }
}

/** Frameworks (CommonJS) already in the module cache: loaded before Sentry could instrument them. */
export function loadedFrameworks(): string[] {
  const found = new Set<string>()
  for (const file of Object.keys(require.cache)) {
    const match = /[\\/]node_modules[\\/](express|fastify)[\\/]/.exec(file)
    if (match?.[1]) found.add(match[1])
  }
  return [...found].sort()
}
