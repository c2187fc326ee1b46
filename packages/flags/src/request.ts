import type { EvaluationContext, FlagDefinitions, FlagEvaluation, FlagName, FlagValueOf } from './types.ts'

/** Evaluations bound to one request's user and attributes: `req.flags.isEnabled('newCheckout')`. */
export interface RequestFlags<D extends FlagDefinitions = FlagDefinitions> {
  /** The context every evaluation of this request uses (resolved on first use). */
  readonly context: EvaluationContext | undefined
  get<K extends FlagName<D>>(name: K): FlagValueOf<D[K]>
  isEnabled(name: FlagName<D>): boolean
  variant<K extends FlagName<D>>(name: K): FlagValueOf<D[K]>
  evaluate<K extends FlagName<D>>(name: K): FlagEvaluation<FlagValueOf<D[K]>>
}

export interface Evaluator {
  evaluate(name: string, context: EvaluationContext | undefined): FlagEvaluation
}

/** A request's context, or the function that reads it from the request (`subject`) on first use. */
export type ContextSource<S = any> = EvaluationContext | ((subject: S) => EvaluationContext | undefined)

/**
 * One small object per request. The context may be a function, called with
 * `subject` (the framework's request) on the first evaluation: the user is
 * usually known only after the auth middleware, which runs after kit's.
 * Passing the request instead of a closure over it keeps the binding to
 * this one allocation (docs/internals/request-flags-and-metrics.md).
 */
export class BoundFlags implements RequestFlags {
  readonly #flags: Evaluator
  #source: ContextSource | undefined
  #subject: unknown
  #context: EvaluationContext | undefined
  #resolved = false

  constructor(flags: Evaluator, context: ContextSource | undefined, subject?: unknown) {
    this.#flags = flags
    this.#source = context
    this.#subject = subject
  }

  get context(): EvaluationContext | undefined {
    if (!this.#resolved) {
      const source = this.#source
      this.#context = typeof source === 'function' ? source(this.#subject) : source
      this.#source = undefined
      this.#subject = undefined
      this.#resolved = true
    }
    return this.#context
  }

  get(name: string): any {
    return this.#flags.evaluate(name, this.context).value
  }

  isEnabled(name: string): boolean {
    return this.#flags.evaluate(name, this.context).enabled
  }

  variant(name: string): any {
    return this.#flags.evaluate(name, this.context).value
  }

  evaluate(name: string): FlagEvaluation<any> {
    return this.#flags.evaluate(name, this.context)
  }
}

/** `{ userId: req.user.id }` when an auth middleware (Passport, @fastify/passport...) set `req.user`. */
export function defaultRequestContext(req: { user?: { id?: unknown } }): EvaluationContext | undefined {
  const id = req.user?.id
  return typeof id === 'string' || typeof id === 'number' ? { userId: id } : undefined
}
