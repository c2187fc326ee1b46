import { fileURLToPath } from 'node:url'
import { spawnTs } from '@kit/test-utils'
import { describe, expect, it } from 'vitest'
import { checkSdkVersion } from '../src/sdk.ts'
import type { SentrySdk } from '../src/state.ts'

const FIXTURE = fileURLToPath(new URL('./fixtures/sdk-version.ts', import.meta.url))

// The peer range accepts @sentry/node 8 to 10 so that apps on them can install
// kit with npm (no ERESOLVE); turning kit's Sentry on with one says what to do.
describe('the installed @sentry/node major', () => {
  it('@sentry/node 10 (the sentry10 alias) is refused with KIT_SENTRY_SDK_UNSUPPORTED naming the upgrade', async () => {
    // In its own Node process: vitest's module runner cannot load Sentry 10's dependencies.
    const child = spawnTs(FIXTURE)
    const { code } = await child.exited
    expect(child.stderr()).toBe('')
    expect(code).toBe(0)
    const seen = JSON.parse(child.stdout()) as { version: string; code?: string; message?: string }
    expect(seen.version).toMatch(/^10\./)
    expect(seen.code).toBe('KIT_SENTRY_SDK_UNSUPPORTED')
    expect(seen.message).toContain(`@sentry/node ${seen.version}`)
    expect(seen.message).toContain('npm install @sentry/node@^11')
    expect(seen.message).toContain('unset SENTRY_DSN')
  })

  it('@sentry/node 11 (the one kit is built on) is taken as it is', async () => {
    const sdk11 = (await import('@sentry/node')) as SentrySdk
    expect(sdk11.SDK_VERSION).toMatch(/^11\./)
    expect(checkSdkVersion(sdk11)).toBe(sdk11)
  })
})
