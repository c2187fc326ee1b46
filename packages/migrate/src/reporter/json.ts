import type { ReleaseEvent, ReleaseReporter } from './events.ts'

/**
 * `kit release --json`: one JSON object per line (`{"type":"step-end",...}`),
 * the last one `{"type":"summary",...}`; programs read the stream as NDJSON.
 */
export function createJsonReporter(
  options: { stream?: { write(text: string): unknown } } = {},
): ReleaseReporter {
  const stream = options.stream ?? process.stdout
  return (event: ReleaseEvent) => {
    stream.write(`${JSON.stringify({ time: new Date().toISOString(), ...event })}\n`)
  }
}
