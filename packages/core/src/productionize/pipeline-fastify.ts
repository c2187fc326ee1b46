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
  const count = hooks.length
  return function kitPipeline(request, reply, done) {
    let index = 0
    const step = (error?: Error): void => {
      if (error) done(error)
      else if (index === count) done()
      else hooks[index++]!(request, reply, step)
    }
    step()
  }
}
