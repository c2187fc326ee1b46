import type { KitLogger } from '@kit/internal'

export interface LogEntry {
  level: 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace'
  fields: Record<string, unknown>
  message: string
}

/** A KitLogger that keeps every entry, for assertions on what the package logged. */
export class RecordingLogger implements KitLogger {
  readonly entries: LogEntry[]
  readonly #bindings: Record<string, unknown>

  constructor(entries: LogEntry[] = [], bindings: Record<string, unknown> = {}) {
    this.entries = entries
    this.#bindings = bindings
  }

  #log(level: LogEntry['level'], first: unknown, second?: string): void {
    if (typeof first === 'string') this.entries.push({ level, fields: { ...this.#bindings }, message: first })
    else
      this.entries.push({ level, fields: { ...this.#bindings, ...(first as object) }, message: second ?? '' })
  }

  fatal = (a: any, b?: string): void => this.#log('fatal', a, b)
  error = (a: any, b?: string): void => this.#log('error', a, b)
  warn = (a: any, b?: string): void => this.#log('warn', a, b)
  info = (a: any, b?: string): void => this.#log('info', a, b)
  debug = (a: any, b?: string): void => this.#log('debug', a, b)
  trace = (a: any, b?: string): void => this.#log('trace', a, b)

  child(bindings: Record<string, unknown>): KitLogger {
    return new RecordingLogger(this.entries, { ...this.#bindings, ...bindings })
  }

  /** Warnings and errors: what a correct setup must not produce. */
  problems(): LogEntry[] {
    return this.entries.filter((e) => e.level === 'warn' || e.level === 'error' || e.level === 'fatal')
  }
}
