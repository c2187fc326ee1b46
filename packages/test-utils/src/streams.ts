import { Writable } from 'node:stream'

/** A writable stream that keeps what pino (or anything) writes, for assertions on log output. */
export class MemoryStream extends Writable {
  chunks: string[] = []

  override _write(chunk: Buffer, _enc: BufferEncoding, cb: (error?: Error | null) => void): void {
    this.chunks.push(chunk.toString())
    cb()
  }

  text(): string {
    return this.chunks.join('')
  }

  /** Each JSON line written so far, parsed. */
  lines(): Record<string, any>[] {
    return this.text()
      .split('\n')
      .filter((line) => line.trim())
      .map((line) => JSON.parse(line))
  }
}
