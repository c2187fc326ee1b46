/**
 * Recent observations in time slots, for alert rules: a rule asks "what was
 * the p95 over the last 5 minutes", which the registry's cumulative counters
 * cannot answer. Each slot keeps a count, an error count, a sum and,
 * optionally, a log-scale histogram (16 buckets per doubling, from 10 µs to
 * about 22 minutes), so percentiles are within ±2.2 %. Recording is a few
 * array writes; the work is done when a rule is evaluated.
 */
const MIN_VALUE = 0.01
const STEPS_PER_DOUBLING = 16
const BUCKETS = 27 * STEPS_PER_DOUBLING + 1
const MAX_SLOTS = 600

export interface WindowSummary {
  count: number
  errors: number
  sum: number
  /** The value below which `q` (0–1) of the observations fall; 0 without observations or histogram. */
  quantile(q: number): number
}

interface Slot {
  epoch: number
  count: number
  errors: number
  sum: number
  histogram: Uint32Array | undefined
}

export class SlidingWindow {
  readonly slotMs: number
  readonly #slots: Slot[]

  /** Sized for windows from `minWindowMs` to `maxWindowMs` (slots of a twentieth of the shortest). */
  constructor(minWindowMs: number, maxWindowMs: number, withHistogram: boolean) {
    this.slotMs = Math.max(5, Math.floor(minWindowMs / 20), Math.ceil(maxWindowMs / MAX_SLOTS))
    const count = Math.ceil(maxWindowMs / this.slotMs) + 1
    this.#slots = Array.from({ length: count }, () => ({
      epoch: -1,
      count: 0,
      errors: 0,
      sum: 0,
      histogram: withHistogram ? new Uint32Array(BUCKETS) : undefined,
    }))
  }

  /** Adds an observation at `now` (ms, monotonic); `weight` counts it that many times. */
  record(value: number, now: number, isError = false, weight = 1): void {
    const epoch = Math.floor(now / this.slotMs)
    const slot = this.#slots[epoch % this.#slots.length]!
    if (slot.epoch !== epoch) {
      slot.epoch = epoch
      slot.count = 0
      slot.errors = 0
      slot.sum = 0
      slot.histogram?.fill(0)
    }
    slot.count += weight
    slot.sum += value * weight
    if (isError) slot.errors += weight
    if (slot.histogram) slot.histogram[bucketOf(value)]! += weight
  }

  /** What was recorded over the last `windowMs` before `now`; the histogram is merged only if a quantile is asked. */
  summarize(windowMs: number, now: number): WindowSummary {
    const current = Math.floor(now / this.slotMs)
    const oldest = current - Math.ceil(windowMs / this.slotMs) + 1
    let count = 0
    let errors = 0
    let sum = 0
    const inWindow: Slot[] = []
    for (const slot of this.#slots) {
      if (slot.epoch < oldest || slot.epoch > current) continue
      count += slot.count
      errors += slot.errors
      sum += slot.sum
      inWindow.push(slot)
    }
    return {
      count,
      errors,
      sum,
      quantile(q) {
        if (count === 0 || !inWindow[0]?.histogram) return 0
        const merged = new Uint32Array(BUCKETS)
        for (const slot of inWindow) {
          const histogram = slot.histogram!
          for (let i = 0; i < BUCKETS; i++) merged[i]! += histogram[i]!
        }
        return quantileOf(merged, count, q)
      },
    }
  }
}

export function bucketOf(value: number): number {
  if (!(value > MIN_VALUE)) return 0
  const index = Math.ceil(Math.log2(value / MIN_VALUE) * STEPS_PER_DOUBLING)
  return index >= BUCKETS ? BUCKETS - 1 : index
}

/** The geometric middle of the bucket that holds the q-quantile. */
function quantileOf(histogram: Uint32Array, count: number, q: number): number {
  const rank = Math.max(1, Math.ceil(q * count))
  let seen = 0
  for (let i = 0; i < BUCKETS; i++) {
    seen += histogram[i]!
    if (seen >= rank) {
      if (i === 0) return MIN_VALUE
      return MIN_VALUE * 2 ** ((i - 0.5) / STEPS_PER_DOUBLING)
    }
  }
  return MIN_VALUE * 2 ** ((BUCKETS - 1) / STEPS_PER_DOUBLING)
}
