import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { startKit, waitForStatus } from './helpers/start-kit.ts'

const root = mkdtempSync(join(tmpdir(), 'kit-core-lock-'))
afterAll(() => rmSync(root, { recursive: true, force: true }))

/** An app folder with a migrations/ directory, as a knex app has, and no DATABASE_URL. */
function appFolder(name: string): string {
  const cwd = join(root, name)
  mkdirSync(join(cwd, 'migrations'), { recursive: true })
  return cwd
}

describe.each(['express', 'fastify'] as const)('the embedded database lock on %s', (framework) => {
  it('is never taken by an app that does not use kit.db, so a second instance starts at once', async () => {
    const cwd = appFolder(`${framework}-unused`)
    const first = await startKit(framework, { cwd, envSource: {} })
    const second = await startKit(framework, { cwd, envSource: {} })
    expect(await waitForStatus(`${first.url}/health/ready`, 200)).toBe(200)
    expect(await waitForStatus(`${second.url}/health/ready`, 200)).toBe(200)
    expect(existsSync(join(cwd, '.kit', 'pgdata.lock'))).toBe(false)
    await second.close()
    await first.close()
  })

  it('is taken on the first use of kit.db, released at shutdown, and .kit/ gets a .gitignore', async () => {
    const cwd = appFolder(`${framework}-used`)
    const { kit, url, close } = await startKit(framework, { cwd, envSource: {} })
    expect(existsSync(join(cwd, '.kit', 'pgdata.lock'))).toBe(false)
    const { rows } = await kit.db.raw('select 1 + 1 as two')
    expect(rows[0].two).toBe(2)
    expect(await waitForStatus(`${url}/health/ready`, 200)).toBe(200)
    expect(existsSync(join(cwd, '.kit', 'pgdata.lock'))).toBe(true)
    expect(readFileSync(join(cwd, '.kit', '.gitignore'), 'utf8')).toMatch(/^\*$/m)
    await close()
    expect(existsSync(join(cwd, '.kit', 'pgdata.lock'))).toBe(false)
    // Opening PGlite takes seconds on a busy machine.
  }, 120_000)
})
