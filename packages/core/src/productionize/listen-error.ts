/**
 * Rejects with kit.listen()'s explanation of a listen error (port-holder.ts:
 * which address, who may hold it). That file is loaded only when listen()
 * fails, so a server that starts never parses it (docs/internals/startup.md).
 * If it cannot be loaded, the original error is the answer.
 */
export function rejectWithListenError(
  reject: (reason: unknown) => void,
  error: unknown,
  port: number,
  host: string,
): void {
  import('./port-holder.ts').then(
    (m) => reject(m.listenError(error, port, host)),
    () => reject(error),
  )
}
