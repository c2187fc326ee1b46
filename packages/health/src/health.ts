import type { IncomingMessage, Server } from 'node:http'
import {
  createDebug,
  createProbeAccess,
  type ErrorInfo,
  errorRendererOf,
  errorTitle,
  type HealthCheck,
  KitError,
  type KitLogger,
  renderError,
  type ShutdownHook,
  type SkipRequest,
  silentLogger,
} from '@kit/internal'
import { CheckRunner } from './check-runner.ts'
import { eventLoopCheck, memoryCheck } from './checks/system.ts'
import { ServerDrain } from './drain.ts'
import { LoadMonitor, type LoadSample } from './load-monitor.ts'
import type { HealthConfig, HealthContext, HealthOptions } from './options.ts'
import { parseOptions } from './parse-options.ts'
import { createPathMatcher, type HealthEndpoint } from './paths.ts'
import { buildReport } from './readiness.ts'
import type { HealthReport, HealthResponse } from './report.ts'
import { toResponse } from './report.ts'
import { runShutdown, type ShutdownOutcome } from './shutdown.ts'
import { onSignals } from './signals.ts'
import { StartupTasks } from './startup.ts'
import { normaliseCheck, normaliseHook, requireServer } from './validate-inputs.ts'

const debug = createDebug('health')

export interface HealthState {
  started: boolean
  shuttingDown: boolean
  /** Sustained overload was detected (in development it is only logged). */
  overloaded: boolean
  overloadReason: string | undefined
  /** Overloaded and enforcing: non-health requests get 503 and readiness fails. */
  shedding: boolean
  load: LoadSample
}

/**
 * Liveness, readiness and dependency checks, load shedding and graceful
 * shutdown for one process. Framework-neutral: the Express and Fastify
 * adapters only call `respond()` and `shouldShed()`.
 */
export class Health {
  /** True for GET/HEAD requests to a health path: pass it as `skip` to the logger, security and rate limits. */
  readonly isHealthPath: SkipRequest
  #config: HealthConfig
  #log: KitLogger
  #match: (req: IncomingMessage) => HealthEndpoint | undefined
  #trusted: (req: IncomingMessage) => boolean
  #monitor: LoadMonitor
  #runners = new Map<string, CheckRunner>()
  #startup: StartupTasks
  #hooks: ShutdownHook[] = []
  #drains = new Map<Server, ServerDrain>()
  #unsubscribeSignals: (() => void) | undefined
  #attached = false
  #shutdown: Promise<ShutdownOutcome> | undefined
  #retryAfter: string
  /** False outside production: overload is logged, nothing is refused. */
  #enforce: boolean

  constructor(options: HealthOptions = {}, context: HealthContext = {}) {
    this.#log = context.log ?? silentLogger
    this.#config = parseOptions(options, context.env ?? {}, this.#log)
    const config = this.#config
    debug('resolved config %o', { ...config, token: config.token ? '[set]' : undefined, exit: undefined })
    this.#match = createPathMatcher(config.paths)
    this.isHealthPath = (req) => this.#match(req) !== undefined
    this.#trusted = createProbeAccess({
      token: config.token,
      tokenHeaders: ['x-health-token'],
      trustPrivateNetwork: config.trustPrivateNetwork,
      ...(context.allowedHost ? { allowedHost: context.allowedHost } : {}),
    })
    this.#startup = new StartupTasks(this.#log)
    const shedding = config.loadShedding
    this.#enforce = shedding !== false && shedding.enforce
    this.#monitor = new LoadMonitor(shedding, shedding ? shedding.sampleIntervalMs : 1000, (reason) =>
      this.#onOverloadChange(reason),
    )
    this.#retryAfter = String(shedding ? shedding.retryAfterSeconds : 10)
    for (const [key, input] of Object.entries(config.checks)) this.addCheck(normaliseCheck(key, input))
    if (config.systemChecks) {
      this.addCheck(eventLoopCheck({}, this.#monitor))
      this.addCheck(memoryCheck())
    }
  }

  get state(): HealthState {
    return {
      started: this.#startup.complete,
      shuttingDown: this.#shutdown !== undefined,
      overloaded: this.#monitor.overloaded,
      overloadReason: this.#monitor.overloadReason,
      shedding: this.#enforce && this.#monitor.overloaded,
      load: { ...this.#monitor.latest },
    }
  }

  addCheck(check: HealthCheck): void {
    const valid = normaliseCheck(undefined, check)
    if (this.#runners.has(valid.name)) {
      throw new KitError(
        'KIT_HEALTH_INVALID_CHECK',
        `A health check named "${valid.name}" is already registered; give the new one another name.`,
      )
    }
    const defaults = {
      timeoutMs: this.#config.checkTimeoutMs,
      minIntervalMs: this.#config.minCheckIntervalMs,
    }
    this.#runners.set(valid.name, new CheckRunner(valid, defaults, this.#log))
  }

  /** Readiness stays 503 until every task given here has resolved (and markStarted() or attach() was called). */
  waitFor(task: PromiseLike<unknown>): void
  waitFor(name: string, task: PromiseLike<unknown>): void
  waitFor(nameOrTask: string | PromiseLike<unknown>, task?: PromiseLike<unknown>): void {
    if (typeof nameOrTask === 'string') this.#startup.add(nameOrTask, task)
    else this.#startup.add(undefined, nameOrTask)
  }

  /**
   * Startup is over once the tasks given to waitFor() have resolved; attach()
   * calls this. Load is measured from here on (after the warm-up), so the
   * app's own start-up work never counts as overload.
   */
  markStarted(): void {
    this.#startup.markStarted()
    if (!this.#shutdown) this.#monitor.start()
  }

  /**
   * The response for a health request, or undefined (synchronously, so
   * other requests pay no promise) when `req` is not one.
   */
  respond(req: IncomingMessage): Promise<HealthResponse> | undefined {
    const endpoint = this.#match(req)
    if (!endpoint) return undefined
    const trusted = this.#trusted(req)
    return this.report(endpoint).then((report) => toResponse(report, trusted))
  }

  /** The full report, as a trusted request would see it (for `kit doctor` and tests). */
  report(endpoint: HealthEndpoint = 'summary'): Promise<HealthReport> {
    return buildReport(endpoint, {
      info: this.#config.info,
      runners: [...this.#runners.values()],
      startup: this.#startup,
      shuttingDown: this.#shutdown !== undefined,
      overloadReason: this.#enforce ? this.#monitor.overloadReason : undefined,
      load: this.#monitor.latest,
    })
  }

  /** True when load shedding is on and enforced, the process is overloaded and `req` is not a health request. */
  shouldShed(req: IncomingMessage): boolean {
    return this.#enforce && this.#monitor.overloaded && !this.isHealthPath(req)
  }

  /**
   * 503 + Retry-After for a shed request, in kit's one error shape (or the
   * app's, through `errors.render`), with the request id echoed on `requestId`.
   */
  shedResponse(req: IncomingMessage, requestId?: string): HealthResponse {
    const retryAfter = Number(this.#retryAfter)
    const info: ErrorInfo = {
      status: 503,
      title: errorTitle(503),
      message: `The server is overloaded; retry after ${this.#retryAfter} seconds.`,
      retryAfter,
    }
    if (requestId) info.requestId = requestId
    const rendered = renderError(info, req, errorRendererOf(req))
    return {
      statusCode: rendered.status,
      headers: {
        'content-type': rendered.contentType,
        'retry-after': this.#retryAfter,
        'cache-control': 'no-store',
      },
      body: rendered.body,
    }
  }

  addShutdownHook(hook: ShutdownHook): void {
    this.#hooks.push(normaliseHook(hook))
  }

  /**
   * Drains `server` on shutdown and handles the configured signals (one
   * process listener per signal, removed when the last attached server
   * closes). Marks startup as started. Call once the server listens.
   */
  attach(server: Server): void {
    requireServer(server)
    if (this.#drains.has(server)) return
    const drain = new ServerDrain(server)
    this.#drains.set(server, drain)
    server.once('close', () => this.#detachServer(server))
    this.#attached = true
    this.markStarted()
    if (!this.#unsubscribeSignals && this.#config.signals.length && !this.#shutdown) {
      this.#unsubscribeSignals = onSignals(this.#config.signals, (signal) => this.#onSignal(signal))
    }
    if (this.#shutdown) void drain.drain()
  }

  /**
   * Graceful shutdown (what the signals do): readiness 503, readiness delay,
   * drain, hooks phase by phase (SHUTDOWN_PHASES). Resolves when done or at the deadline;
   * ends the process only for an attached instance whose `exit` is not false,
   * and not when called with `{ exit: false }` (kit.shutdown() in tests and scripts).
   */
  shutdown(reason = 'shutdown()', options: { exit?: boolean } = {}): Promise<ShutdownOutcome> {
    if (this.#shutdown) return this.#shutdown
    const config = this.#config
    this.#shutdown = runShutdown({
      reason,
      readinessDelayMs: config.readinessDelayMs,
      deadlineMs: config.shutdownTimeoutMs,
      hookTimeoutMs: config.hookTimeoutMs,
      drains: [...this.#drains.values()],
      hooks: [...this.#hooks],
      log: this.#log,
    }).then((outcome) => {
      this.close()
      if (this.#attached && config.exit && options.exit !== false) config.exit(outcome.exitCode)
      return outcome
    })
    return this.#shutdown
  }

  /** Stops the load monitor and removes every listener this instance added; closes nothing. */
  close(): void {
    this.#monitor.stop()
    this.#unsubscribeSignals?.()
    this.#unsubscribeSignals = undefined
    for (const drain of this.#drains.values()) drain.detach()
    this.#drains.clear()
  }

  #onOverloadChange(reason: string | undefined): void {
    if (reason && this.#enforce)
      this.#log.warn({ reason }, `overloaded (${reason}): shedding requests with 503`)
    else if (reason) {
      this.#log.warn(
        { reason, wouldShed: true },
        `overloaded (${reason}): would shed requests with 503, but loadShedding.enforce is off (the default outside NODE_ENV=production), so nothing is refused`,
      )
    } else if (this.#enforce) this.#log.info('load back under the limits: no longer shedding requests')
    else this.#log.info('load back under the limits')
  }

  #detachServer(server: Server): void {
    this.#drains.get(server)?.detach()
    this.#drains.delete(server)
    // The last server is gone: the process gets its default signal behaviour back.
    if (this.#drains.size === 0 && !this.#shutdown) {
      this.#unsubscribeSignals?.()
      this.#unsubscribeSignals = undefined
    }
  }

  #onSignal(signal: NodeJS.Signals): void {
    if (!this.#shutdown) {
      void this.shutdown(signal)
      return
    }
    // A second Ctrl-C means "now"; a repeated SIGTERM changes nothing.
    if (signal === 'SIGINT' && this.#config.exit) {
      this.#log.warn('second SIGINT during graceful shutdown: exiting now with code 1')
      this.#config.exit(1)
    } else {
      this.#log.info(`${signal} received: graceful shutdown already in progress`)
    }
  }
}

/** Creates the health endpoints, checks, load shedding and graceful shutdown of one process. */
export function createHealth(options: HealthOptions = {}, context: HealthContext = {}): Health {
  return new Health(options, context)
}
