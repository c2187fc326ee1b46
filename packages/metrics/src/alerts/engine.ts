import { performance } from 'node:perf_hooks'
import { type KitLogger, redactString } from '@kit/internal'
import type { AlertsConfig, RuleConfig } from '../config.ts'
import type { Dispatcher } from '../notifiers/dispatcher.ts'
import type { AlertRuleKind, AlertSeverity } from '../options.ts'
import type { AlertLock } from './lock.ts'
import { type AlertNotice, summarize } from './notice.ts'
import type { SlidingWindow } from './window.ts'

/** Where each kind of rule reads its observations. */
export interface AlertSources {
  http?: SlidingWindow
  db?: SlidingWindow
  eventLoop?: SlidingWindow
  memory?: SlidingWindow
}

/** A rule as it stands on this instance (`metrics.alertStatus()`, the alerts_firing gauge). */
export interface AlertStatus {
  rule: string
  kind: AlertRuleKind
  severity: AlertSeverity
  /** Whether the rule is firing; while `unknown`, the state it held before. */
  firing: boolean
  /**
   * The last evaluation had too few observations to judge (fewer than the
   * rule's minimum, or none): the rule neither fired nor recovered on it.
   */
  unknown: boolean
  /** The last evaluated value (ms, or a ratio 0–1) and how many observations it came from. */
  value: number
  count: number
  /** When it started firing. */
  since: Date | undefined
}

interface RuleState {
  firing: boolean
  unknown: boolean
  /** This instance sent the firing notice of the current incident (so it owes the recovery notice). */
  announced: boolean
  /** The current incident was announced, or another instance held its lock: no further attempt. */
  settled: boolean
  /** A lock request is in flight; the rule waits for it. */
  pending: boolean
  since: Date | undefined
  lastAnnouncedAt: number
  value: number
  count: number
}

/**
 * Evaluates every rule on an unref'd timer. A rule fires when its value
 * reaches the threshold with enough observations; the incident is announced
 * once (after the cooldown of the previous announcement, and only by the
 * instance holding the lock) and, if it was announced here, its recovery is
 * announced when the value falls back with enough observations. Too few
 * observations are "unknown" and change nothing. Nothing here waits for a
 * notifier.
 */
export class AlertEngine {
  readonly #config: AlertsConfig
  readonly #sources: AlertSources
  readonly #dispatcher: Dispatcher
  readonly #lock: AlertLock | undefined
  readonly #labels: Record<string, string>
  readonly #appUrl: string | undefined
  readonly #log: KitLogger
  readonly #states = new Map<RuleConfig, RuleState>()
  #timer: NodeJS.Timeout | undefined

  constructor(
    config: AlertsConfig,
    sources: AlertSources,
    dispatcher: Dispatcher,
    lock: AlertLock | undefined,
    labels: Record<string, string>,
    appUrl: string | undefined,
    log: KitLogger,
  ) {
    this.#config = config
    this.#sources = sources
    this.#dispatcher = dispatcher
    this.#lock = lock
    this.#labels = labels
    this.#appUrl = appUrl
    this.#log = log
    for (const rule of config.rules) {
      this.#states.set(rule, {
        firing: false,
        unknown: true,
        announced: false,
        settled: false,
        pending: false,
        since: undefined,
        lastAnnouncedAt: Number.NEGATIVE_INFINITY,
        value: 0,
        count: 0,
      })
    }
  }

  start(): void {
    if (this.#timer || this.#config.rules.length === 0) return
    this.#timer = setInterval(() => this.evaluate(), this.#config.intervalMs)
    this.#timer.unref()
  }

  stop(): void {
    clearInterval(this.#timer)
    this.#timer = undefined
  }

  /** Evaluates every rule now (the timer calls it; tests and `kit doctor` may too). */
  evaluate(now: number = performance.now()): void {
    for (const [rule, state] of this.#states) {
      if (state.pending) continue
      try {
        this.#evaluateRule(rule, state, now)
      } catch (error) {
        this.#log.error(
          { rule: rule.name, err: { message: redactString(String(error)) } },
          '@kit/metrics: evaluating an alert rule failed',
        )
      }
    }
  }

  status(): AlertStatus[] {
    return [...this.#states].map(([rule, state]) => ({
      rule: rule.name,
      kind: rule.kind,
      severity: rule.severity,
      firing: state.firing,
      unknown: state.unknown,
      value: state.value,
      count: state.count,
      since: state.since,
    }))
  }

  #evaluateRule(rule: RuleConfig, state: RuleState, now: number): void {
    const { value, count } = this.#measure(rule, now)
    state.value = value
    state.count = count
    // Too few observations say nothing either way: the rule keeps its state.
    // Recovering on them would announce "resolved" while every request of a
    // quiet night still fails, then fire again: a flapping outage.
    state.unknown = count === 0 || count < rule.minCount
    if (state.unknown) return
    if (value >= rule.threshold) {
      if (!state.firing) {
        state.firing = true
        state.since = new Date()
        state.announced = false
        state.settled = false
      }
      if (!state.settled && now - state.lastAnnouncedAt >= rule.cooldownMs) this.#announce(rule, state, now)
      return
    }
    if (!state.firing) return
    // Enough observations below the threshold: the incident is over.
    const owed = state.announced && rule.recovery
    const since = state.since ?? new Date()
    state.firing = false
    state.announced = false
    state.settled = false
    state.since = undefined
    if (owed) this.#dispatcher.dispatch(this.#notice(rule, 'resolved', value, count, since))
  }

  #announce(rule: RuleConfig, state: RuleState, now: number): void {
    state.settled = true
    state.lastAnnouncedAt = now
    const notice = this.#notice(rule, 'firing', state.value, state.count, state.since ?? new Date())
    if (!this.#lock) {
      state.announced = true
      this.#dispatcher.dispatch(notice)
      return
    }
    state.pending = true
    const { service = 'app', environment = 'unknown' } = this.#labels
    const ttl = Math.max(rule.cooldownMs, 3 * this.#config.intervalMs, 1000)
    void this.#lock.acquire(`${service}:${environment}:${rule.name}`, ttl).then((mine) => {
      state.pending = false
      if (mine) {
        state.announced = true
        this.#dispatcher.dispatch(notice)
      } else {
        this.#dispatcher.skipped()
        this.#log.debug({ rule: rule.name }, '@kit/metrics: another instance announced this alert')
      }
    })
  }

  #measure(rule: RuleConfig, now: number): { value: number; count: number } {
    const source = this.#sourceOf(rule.kind)
    if (!source) return { value: 0, count: 0 }
    const summary = source.summarize(rule.windowMs, now)
    switch (rule.kind) {
      case 'errorRate':
        return { value: summary.count ? summary.errors / summary.count : 0, count: summary.count }
      case 'memory':
        return { value: summary.count ? summary.sum / summary.count : 0, count: summary.count }
      default:
        return { value: summary.quantile(rule.quantile), count: summary.count }
    }
  }

  #sourceOf(kind: AlertRuleKind): SlidingWindow | undefined {
    if (kind === 'latency' || kind === 'errorRate') return this.#sources.http
    if (kind === 'dbLatency') return this.#sources.db
    if (kind === 'eventLoopDelay') return this.#sources.eventLoop
    return this.#sources.memory
  }

  #notice(
    rule: RuleConfig,
    state: 'firing' | 'resolved',
    value: number,
    count: number,
    since: Date,
  ): AlertNotice {
    return {
      rule: rule.name,
      kind: rule.kind,
      severity: rule.severity,
      state,
      value,
      threshold: rule.threshold,
      count,
      windowMs: rule.windowMs,
      summary: summarize(rule, value, count, state),
      labels: this.#labels,
      appUrl: this.#appUrl,
      at: new Date(),
      since,
    }
  }
}
