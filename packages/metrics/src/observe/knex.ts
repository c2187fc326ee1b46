import { performance } from 'node:perf_hooks'
import { KitError } from '@kit/internal'
import type { Histogram } from 'prom-client'
import type { SlidingWindow } from '../alerts/window.ts'
import type { PoolSource } from '../instruments.ts'

/** The part of a knex instance observed: its query events and its tarn pool. */
export interface KnexLike {
  on(event: string, listener: (...args: any[]) => void): unknown
  off?(event: string, listener: (...args: any[]) => void): unknown
  removeListener?(event: string, listener: (...args: any[]) => void): unknown
  client?: { pool?: PoolSource | null }
}

const MAX_OPEN_QUERIES = 10_000

/**
 * Query durations from knex's 'query' / 'query-response' / 'query-error'
 * events (transactions included), into the histogram and the dbLatency
 * window; the pool is read when scraped. Returns a function that stops.
 */
export function observeKnex(
  knex: KnexLike,
  histogram: Histogram<'result'>,
  window: SlidingWindow | undefined,
  pools: Set<() => PoolSource | undefined>,
): () => void {
  if (!knex || (typeof knex !== 'object' && typeof knex !== 'function') || typeof knex.on !== 'function') {
    throw new KitError(
      'KIT_METRICS_NOT_OBSERVABLE',
      'observeKnex() needs a knex instance (it listens to its query events): metrics.observeKnex(kit.db).',
    )
  }
  const started = new Map<unknown, number>()
  const onQuery = (query: { __knexQueryUid?: unknown }) => {
    if (started.size >= MAX_OPEN_QUERIES) started.clear()
    started.set(query?.__knexQueryUid, performance.now())
  }
  const finish = (query: { __knexQueryUid?: unknown } | undefined, ok: boolean) => {
    const uid = query?.__knexQueryUid
    const start = started.get(uid)
    if (start === undefined) return
    started.delete(uid)
    const now = performance.now()
    histogram.observe({ result: ok ? 'ok' : 'error' }, (now - start) / 1000)
    window?.record(now - start, now, !ok)
  }
  const onResponse = (_response: unknown, query: { __knexQueryUid?: unknown }) => finish(query, true)
  const onError = (_error: unknown, query: { __knexQueryUid?: unknown }) => finish(query, false)
  knex.on('query', onQuery)
  knex.on('query-response', onResponse)
  knex.on('query-error', onError)
  const readPool = () => knex.client?.pool ?? undefined
  pools.add(readPool)
  return () => {
    const off = (knex.off ?? knex.removeListener)?.bind(knex)
    off?.('query', onQuery)
    off?.('query-response', onResponse)
    off?.('query-error', onError)
    pools.delete(readPool)
    started.clear()
  }
}
