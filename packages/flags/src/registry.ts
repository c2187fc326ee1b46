import type { FlagDefinitions } from './types.ts'

/**
 * Register the app's definitions once to type `req.flags` / `request.flags`:
 *
 * ```ts
 * declare module '@kit/flags' {
 *   interface FlagsRegistry { definitions: typeof config.flags }
 * }
 * ```
 */
// biome-ignore lint/suspicious/noEmptyInterface: filled by apps through declaration merging.
export interface FlagsRegistry {}

/** The registered definitions, or any flag name when none are registered. */
export type RegisteredFlags = FlagsRegistry extends { definitions: infer D extends FlagDefinitions }
  ? D
  : FlagDefinitions
