type SignalHandler = (signal: NodeJS.Signals) => void

const handlers = new Map<NodeJS.Signals, Set<SignalHandler>>()
const listeners = new Map<NodeJS.Signals, (signal: NodeJS.Signals) => void>()

/**
 * One process listener per signal, however many Health instances attach
 * (terminus adds listeners on every call and never removes them, which
 * warns after ten servers in a test run). The listener goes away with the
 * last subscriber, so the process gets its default signal behaviour back.
 */
export function onSignals(signals: readonly NodeJS.Signals[], handler: SignalHandler): () => void {
  for (const signal of signals) {
    let set = handlers.get(signal)
    if (!set) {
      set = new Set()
      handlers.set(signal, set)
    }
    set.add(handler)
    if (!listeners.has(signal)) {
      const listener = (received: NodeJS.Signals) => {
        for (const h of [...(handlers.get(received) ?? [])]) h(received)
      }
      listeners.set(signal, listener)
      process.on(signal, listener)
    }
  }
  return () => {
    for (const signal of signals) {
      const set = handlers.get(signal)
      set?.delete(handler)
      if (set && set.size === 0) {
        handlers.delete(signal)
        const listener = listeners.get(signal)
        if (listener) process.removeListener(signal, listener)
        listeners.delete(signal)
      }
    }
  }
}
