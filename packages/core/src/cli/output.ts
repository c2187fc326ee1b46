import type { KitLogger } from '@kit/internal'
export interface WritableLike {
  write(text: string): unknown
  isTTY?: boolean
}

export interface Colors {
  enabled: boolean
  bold(text: string): string
  dim(text: string): string
  red(text: string): string
  green(text: string): string
  yellow(text: string): string
  cyan(text: string): string
}

const paint =
  (on: boolean, open: number, close: number) =>
  (text: string): string =>
    on ? `\u001b[${open}m${text}\u001b[${close}m` : text

/**
 * Colours only for a terminal, never with NO_COLOR (https://no-color.org),
 * never for TERM=dumb; FORCE_COLOR turns them on for pipes (CI logs).
 */
export function useColor(stream: WritableLike, env: Readonly<Record<string, string | undefined>>): boolean {
  if (env.NO_COLOR !== undefined && env.NO_COLOR !== '') return false
  if (env.FORCE_COLOR !== undefined && env.FORCE_COLOR !== '' && env.FORCE_COLOR !== '0') return true
  if (env.TERM === 'dumb') return false
  return stream.isTTY === true
}

export function createColors(enabled: boolean): Colors {
  return {
    enabled,
    bold: paint(enabled, 1, 22),
    dim: paint(enabled, 2, 22),
    red: paint(enabled, 31, 39),
    green: paint(enabled, 32, 39),
    yellow: paint(enabled, 33, 39),
    cyan: paint(enabled, 36, 39),
  }
}

export interface Output {
  /** Colours for stdout (stderr decides its own). */
  color: Colors
  errColor: Colors
  /** Writes a line (newline added) to stdout. */
  line(text?: string): void
  /** Writes raw text to stdout. */
  write(text: string): void
  /** Writes a line to stderr. */
  error(text: string): void
  /** Pretty JSON on stdout. */
  json(value: unknown): void
}

export function createOutput(
  stdout: WritableLike,
  stderr: WritableLike,
  env: Readonly<Record<string, string | undefined>>,
): Output {
  return {
    color: createColors(useColor(stdout, env)),
    errColor: createColors(useColor(stderr, env)),
    line: (text = '') => stdout.write(`${text}\n`),
    write: (text) => stdout.write(text),
    error: (text) => stderr.write(`${text}\n`),
    json: (value) => stdout.write(`${JSON.stringify(value, null, 2)}\n`),
  }
}

// biome-ignore lint/suspicious/noControlCharactersInRegex: matches the escape sequences createColors writes.
const ANSI = /\u001b\[\d+m/g

/** Width of text as shown (colour codes take no room). */
export function visibleLength(text: string): number {
  return text.replace(ANSI, '').length
}

/** Left-aligned columns separated by two spaces; the last column is not padded. */
export function formatTable(rows: readonly (readonly string[])[]): string[] {
  const widths: number[] = []
  for (const row of rows) {
    for (const [i, cell] of row.entries()) widths[i] = Math.max(widths[i] ?? 0, visibleLength(cell))
  }
  return rows.map((row) =>
    row
      .map((cell, i) => (i === row.length - 1 ? cell : cell + ' '.repeat(widths[i]! - visibleLength(cell))))
      .join('  ')
      .trimEnd(),
  )
}

/** A logger for CLI commands: warnings and errors (knex's own included) on stderr, never mixed into stdout or --json. */
export function stderrLogger(out: Output): KitLogger {
  const write =
    (level: string) =>
    (objOrMessage: unknown, message?: string): void => {
      const text = typeof objOrMessage === 'string' ? objOrMessage : (message ?? '')
      if (text) out.error(`${out.errColor.yellow(level)}: ${text}`)
    }
  const log: KitLogger = {
    fatal: write('error'),
    error: write('error'),
    warn: write('warning'),
    info: () => {},
    debug: () => {},
    trace: () => {},
    child: () => log,
  }
  return log
}
