import type { KitLogger } from '@kit/internal'
import type { SlidingWindow } from '../alerts/window.ts'
import { METHODS, OTHER_ROUTE, SERIES_PER_ROUTE, STATUS_CLASSES } from './labels.ts'

/** Counts and histogram buckets of one (route, method, status class). */
export interface Series {
  labels: { route: string; method: string; status_class: string }
  count: number
  /** Seconds. */
  sum: number
  /** Non-cumulative count per bucket; the last one is +Inf. */
  buckets: Float64Array
}

interface RouteEntry {
  route: string
  series: (Series | undefined)[]
}

/**
 * Request counts and durations per route template, kept in plain arrays and
 * turned into Prometheus series only when scraped: prom-client's labelled
 * `inc()` + `observe()` cost about 2 µs a request (label hashing and
 * validation), more than a whole Fastify hello-world budget of 5 %. A
 * request here is one Map lookup, an array index and a few additions.
 */
export class RequestMetrics {
  inFlight = 0
  readonly #routes = new Map<string, RouteEntry>()
  readonly #boundsMs: Float64Array
  readonly #maxRoutes: number
  readonly #window: SlidingWindow | undefined
  readonly #log: KitLogger
  #warnedOverflow = false

  /** `boundsSeconds`: the histogram's upper bounds; `window`: where alert rules read requests from. */
  constructor(boundsSeconds: number[], maxRoutes: number, window: SlidingWindow | undefined, log: KitLogger) {
    this.#boundsMs = Float64Array.from(boundsSeconds, (s) => s * 1000)
    this.#maxRoutes = maxRoutes
    this.#window = window
    this.#log = log
  }

  get bucketsSeconds(): number[] {
    return Array.from(this.#boundsMs, (ms) => ms / 1000)
  }

  /** One finished request. `method` and `statusClass` index METHODS and STATUS_CLASSES. */
  record(route: string, method: number, statusClass: number, durationMs: number, now: number): void {
    const entry = this.#routes.get(route) ?? this.#addRoute(route)
    const index = method * STATUS_CLASSES.length + statusClass
    const series = entry.series[index] ?? this.#addSeries(entry, method, statusClass, index)
    series.count++
    series.sum += durationMs / 1000
    const bounds = this.#boundsMs
    let b = 0
    while (b < bounds.length && durationMs > bounds[b]!) b++
    series.buckets[b]!++
    this.#window?.record(durationMs, now, statusClass === 4)
  }

  /** Every series recorded so far, for the exposition. */
  *series(): Generator<Series> {
    for (const entry of this.#routes.values()) {
      for (const series of entry.series) if (series) yield series
    }
  }

  get routeCount(): number {
    return this.#routes.size
  }

  reset(): void {
    this.#routes.clear()
  }

  #addRoute(route: string): RouteEntry {
    if (this.#routes.size >= this.#maxRoutes) {
      const other = this.#routes.get(OTHER_ROUTE)
      if (other) return other
      if (!this.#warnedOverflow) {
        this.#warnedOverflow = true
        this.#log.warn(
          { maxRoutes: this.#maxRoutes, lastRoute: route.slice(0, 100) },
          `@kit/metrics: more than ${this.#maxRoutes} distinct route labels; further routes are counted as "${OTHER_ROUTE}". A router mounted on a path with parameters (app.use('/orgs/:org', router)) labels requests with raw URLs on Express: mount it on a fixed path, give a routeLabel option, or raise maxRoutes.`,
        )
      }
      route = OTHER_ROUTE
    }
    const entry: RouteEntry = { route, series: new Array(SERIES_PER_ROUTE) }
    this.#routes.set(route, entry)
    return entry
  }

  #addSeries(entry: RouteEntry, method: number, statusClass: number, index: number): Series {
    const series: Series = {
      labels: { route: entry.route, method: METHODS[method]!, status_class: STATUS_CLASSES[statusClass]! },
      count: 0,
      sum: 0,
      buckets: new Float64Array(this.#boundsMs.length + 1),
    }
    entry.series[index] = series
    return series
  }
}
