export interface LockWaitOptions {
  /** Give up (KIT_MIGRATE_LOCK_TIMEOUT) after this long. */
  waitMs: number
  /** Called when we start waiting and every `noticeEveryMs` after, so logs show why a release is slow. */
  onWait?: (info: { waitedMs: number; holder: string }) => void
  /** @default 10_000 */
  noticeEveryMs?: number
  /** @default 100 (file) / 250 (advisory) */
  pollMs?: number
}

/** A held release lock. */
export interface ReleaseLock {
  /** Who holds it, for messages. */
  holder: string
  /** The server session holding it (Postgres backend pid, MySQL connection id); absent for lock files. */
  session?: string
  /** Throws KIT_MIGRATE_LOCK_LOST when the lock session died or no longer holds the lock. */
  heartbeat?(): Promise<void>
  release(): Promise<void>
}
