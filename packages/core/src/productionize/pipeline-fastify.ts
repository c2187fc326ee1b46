import {
  debugInstalled,
  enabledSteps,
  type FastifyHook,
  type FastifyHost,
  type PipelineInputs,
} from './pipeline.ts'

/**
 * Builds DESIGN §6 on Fastify from the pipeline table: runs of `hook` steps
 * become one onRequest hook each, `plugin` steps are registered in their
 * place. Returns the installed steps' names, in order.
 */
export async function buildFastifyPipeline(app: FastifyHost, inputs: PipelineInputs): Promise<string[]> {
  const installed: string[] = []
  let run: FastifyHook[] = []
  const flush = (): void => {
    if (run.length > 0) app.addHook('onRequest', chain(run))
    run = []
  }
  for (const step of enabledSteps(inputs)) {
    const form = step.fastify
    if ('hook' in form) {
      const hook = await form.hook(inputs, app)
      if (hook) run.push(hook)
    } else if ('plugin' in form) {
      // A plugin's own hooks must come after the steps before it.
      flush()
      await form.plugin(inputs, app)
    }
    installed.push(step.name)
  }
  flush()
  debugInstalled('fastify', installed)
  return installed
}

/**
 * Hooks run one after another inside one onRequest hook: Fastify's hook
 * runner then does its bookkeeping once per request instead of once per
 * step. A hook that answers does not call `next`, which ends the chain as
 * it ends Fastify's; an error goes to Fastify's error handling. A throw
 * reaches Fastify's own try/catch around the hook.
 */
export function chain(hooks: readonly FastifyHook[]): FastifyHook {
  if (hooks.length === 1) return hooks[0]!
  return function kitPipeline(request, reply, done) {
    new PipelineRun(hooks, request, reply, done).next(undefined)
  }
}

/**
 * One request's walk through the chained hooks. Per request: this object and
 * one bound function for the hooks' `next` (a closure would be the same two
 * allocations; under a loader that keeps function names, such as tsx, each
 * closure made per request also pays a name-defining call: tests and
 * `--conditions=@kit/source` runs go through tsx).
 */
class PipelineRun {
  private index = 0
  private readonly hooks: readonly FastifyHook[]
  private readonly request: unknown
  private readonly reply: unknown
  private readonly done: (error?: Error) => void
  private readonly step: (error?: Error) => void

  constructor(
    hooks: readonly FastifyHook[],
    request: unknown,
    reply: unknown,
    done: (error?: Error) => void,
  ) {
    this.hooks = hooks
    this.request = request
    this.reply = reply
    this.done = done
    this.step = this.next.bind(this)
  }

  next(error: Error | undefined): void {
    if (error) this.done(error)
    else if (this.index === this.hooks.length) this.done()
    else this.hooks[this.index++]!(this.request, this.reply, this.step)
  }
}
