import type { IncomingMessage, ServerResponse } from 'node:http'
import {
  debugInstalled,
  type ExpressErrorReporter,
  type ExpressMiddleware,
  type ExpressNext,
  enabledSteps,
  type PipelineInputs,
} from './pipeline.ts'

export interface ExpressPipeline {
  /** The one middleware kit adds to the app: every request step, in table order. */
  middleware: ExpressMiddleware
  /** Error reporters for kit's final handler (Sentry). */
  reporters: ExpressErrorReporter[]
  /** The installed steps' names, in order. */
  installed: string[]
}

/** Builds DESIGN §6 on Express from the pipeline table. */
export async function buildExpressPipeline(inputs: PipelineInputs): Promise<ExpressPipeline> {
  const steps: ExpressMiddleware[] = []
  const reporters: ExpressErrorReporter[] = []
  const installed: string[] = []
  for (const step of enabledSteps(inputs)) {
    const form = step.express
    if ('middleware' in form) steps.push(await form.middleware(inputs))
    else reporters.push(await form.errorReporter(inputs))
    installed.push(step.name)
  }
  debugInstalled('express', installed)
  return { middleware: composite(steps), reporters, installed }
}

/**
 * Every request step in one router layer. Express's router, between two
 * `app.use()` layers, matches the path again, re-parses the URL and
 * restores `req.url`/`req.baseUrl`; kit's steps are all mounted at `/`, so
 * this dispatcher only calls the next one. What a layer does for its
 * middleware is kept: a throw or a rejected promise goes to `next(error)`,
 * an error passed to the callback leaves the pipeline for the app's error
 * handling, and a step that answers simply does not call it.
 */
export function composite(steps: readonly ExpressMiddleware[]): ExpressMiddleware {
  const count = steps.length
  return function kitPipeline(req: IncomingMessage, res: ServerResponse, next: ExpressNext): void {
    let index = 0
    const step: ExpressNext = (error) => {
      // Truthiness, as the router tests it: next('route') and next('router') go out as given.
      if (error) return next(error)
      if (index === count) return next()
      const middleware = steps[index++]!
      let result: unknown
      try {
        result = middleware(req, res, step)
      } catch (thrown) {
        return next(thrown)
      }
      if (result !== undefined && typeof (result as PromiseLike<unknown>)?.then === 'function') {
        // What the router does with a rejected promise: an empty rejection is still an error. The
        // handler is made only for a step that returned a promise, not on every request.
        ;(result as PromiseLike<unknown>).then(undefined, (error: unknown) => {
          next(error || new Error('Rejected promise'))
        })
      }
    }
    step()
  }
}
