import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { WORKSPACE_ROOT } from '@kit/test-utils'
import { describe, expect, it } from 'vitest'

// The docs tell a user to `npm install @sentry/node` next to @kit/sentry (an
// optional peer). The examples are what users copy, so they install it as a
// user's app would, instead of resolving it through a devDependency of
// packages/sentry.
describe.each(['express-app', 'fastify-app'])('examples/%s', (name) => {
  const pkg = JSON.parse(readFileSync(join(WORKSPACE_ROOT, 'examples', name, 'package.json'), 'utf8'))
  const procfile = readFileSync(join(WORKSPACE_ROOT, 'examples', name, 'Procfile'), 'utf8')

  it('preloads @kit/sentry/instrument and declares both @kit/sentry and @sentry/node', () => {
    expect(procfile).toContain('--import @kit/sentry/instrument')
    expect(pkg.scripts.start).toContain('--import @kit/sentry/instrument')
    expect(Object.keys(pkg.dependencies)).toEqual(expect.arrayContaining(['@kit/sentry', '@sentry/node']))
  })
})
