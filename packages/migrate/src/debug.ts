import { createDebug, type DebugLogger } from '@kit/internal'

/** `NODE_DEBUG=kit:migrate` (or `kit*`): resolved options, locks, per-migration settings, dump commands. */
export const debug: DebugLogger = createDebug('migrate')
