import { join } from 'node:path'
import { spawnTs } from '@kit/test-utils'
import { afterAll, describe, expect, it } from 'vitest'
import {
  cliEnv,
  createTarget,
  DIALECTS,
  KIT_BIN,
  loggedMigration,
  rows,
  type TestTarget,
  writeProject,
} from './helpers.ts'

const targets: TestTarget[] = []

afterAll(async () => {
  await Promise.all(targets.map((t) => t.cleanup()))
})

describe.each(DIALECTS)('five concurrent releases on %s', (dialect) => {
  it('apply each migration exactly once and all exit 0', async () => {
    const project = writeProject('concurrent', {
      '001_first.js': loggedMigration('first_table'),
      '002_second.js': loggedMigration('second_table', 'await new Promise((r) => setTimeout(r, 300))'),
      '003_third.js': loggedMigration('third_table'),
    })
    // `kit release` uses DATABASE_URL, or the embedded database in <app>/.kit/pgdata when it is unset.
    const target = await createTarget(dialect, 'concurrent', {
      pgliteDir: join(project.cwd, '.kit', 'pgdata'),
    })
    targets.push(target)
    const releases = Array.from({ length: 5 }, () =>
      spawnTs(KIT_BIN, ['release', '--cwd', project.cwd], { env: cliEnv(target) }),
    )
    let exits: unknown[]
    try {
      exits = await Promise.all(
        releases.map((p) =>
          Promise.race([p.exited, new Promise((r) => setTimeout(() => r('timeout'), 170_000))]),
        ),
      )
    } finally {
      for (const p of releases)
        if (p.child.exitCode === null && p.child.signalCode === null) p.child.kill('SIGKILL')
    }
    const outputs = releases.map((p) => p.stdout() + p.stderr())
    expect(exits, outputs.join('\n-----\n')).toEqual(Array(5).fill({ code: 0, signal: null }))

    // One process applied all three; the other four waited for the lock (or came after) and found nothing pending.
    expect(outputs.filter((out) => out.includes('Applied 3 migration(s) in batch 1.'))).toHaveLength(1)
    expect(outputs.filter((out) => out.includes('Nothing to migrate'))).toHaveLength(4)
    for (const name of ['001_first.js', '002_second.js', '003_third.js']) {
      expect(outputs.join('').split(`↑ ${name}`).length - 1).toBe(1)
    }

    const knex = target.knex()
    try {
      const log = await rows<{ name: string; n: number }>(
        knex,
        'select name, count(*) as n from applied_log group by name order by name',
      )
      expect(log.map((r) => [r.name, Number(r.n)])).toEqual([
        ['first_table', 1],
        ['second_table', 1],
        ['third_table', 1],
      ])
      const history = await rows<{ name: string }>(knex, 'select name from knex_migrations order by id')
      expect(history.map((r) => r.name)).toEqual(['001_first.js', '002_second.js', '003_third.js'])
      const lock = await rows<{ is_locked: number }>(knex, 'select is_locked from knex_migrations_lock')
      expect(lock.map((r) => Number(r.is_locked))).toEqual([0])
    } finally {
      await knex.destroy()
    }
  }, 180_000)
})
