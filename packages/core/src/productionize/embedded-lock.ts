import type { Health } from '@kit/health'
import type { KitLogger } from '@kit/internal'

/**
 * PGlite allows one process per data directory. The first use of kit.db on
 * the embedded database takes the same lock file `kit release` and
 * `kit migrate` take, so a release started next to a running app waits or
 * fails with a clear message instead of corrupting .kit/pgdata. An app that
 * never uses kit's database (its own knex on MySQL, say) never takes it, so a
 * second instance of it is never kept waiting. Readiness waits for the lock.
 */
export function lockEmbeddedDatabase(directory: string, health: Health, log: KitLogger): void {
  const path = `${directory}.lock`
  let release: (() => Promise<void>) | undefined
  // Registered now, before the database's own hook in the same phase, so it runs after it: the lock is released once PGlite has closed.
  health.addShutdownHook({ name: 'embedded database lock', phase: 'database', close: () => release?.() })
  const locked = (async () => {
    try {
      // Loaded here, not at start-up: only apps on the embedded database need it.
      const { acquireFileLock } = await import('@kit/migrate')
      const lock = await acquireFileLock(path, {
        waitMs: 60_000,
        onWait: ({ holder }) =>
          log.warn({ holder }, `waiting for ${holder} to release the embedded database`),
      })
      release = () => lock.release()
    } catch (error) {
      log.error(
        { err: error },
        'the embedded database is in use by another process; stop it, or set DATABASE_URL',
      )
    }
  })()
  health.waitFor('embedded database lock', locked)
}
