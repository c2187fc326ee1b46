/**
 * Some rules depend on the environment being validated (secret() is strict
 * only in production). zod has no parse context, so loadEnv() sets one around
 * its (synchronous) parse; outside loadEnv the rules read process.env.
 */
/**
 * Marks an issue whose message cannot contain any part of the value (kit's
 * own helpers), so the loader does not need to scrub it. Messages without
 * the mark (the app's own, list items) are scrubbed for secret variables.
 */
export const VALUE_FREE: { readonly valueFree: true } = Object.freeze({ valueFree: true })

export interface ParseContext {
  nodeEnv: string | undefined
}

let current: ParseContext | undefined

export function withParseContext<T>(context: ParseContext, run: () => T): T {
  const previous = current
  current = context
  try {
    return run()
  } finally {
    current = previous
  }
}

/** NODE_ENV of the environment being validated. */
export function contextNodeEnv(): string | undefined {
  return current ? current.nodeEnv : process.env.NODE_ENV
}
