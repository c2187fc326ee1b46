import { randomBytes } from 'node:crypto'
import { type Command, defineCommand, UsageError } from '../command.ts'

const FORMATS = ['base64url', 'hex'] as const
const MIN_BYTES = 16
const MAX_BYTES = 1024

export const secretCommand: Command = defineCommand({
  name: 'secret',
  summary: 'Print a new random secret (session keys, KIT_HEALTH_TOKEN, METRICS_TOKEN...)',
  description: `Reads the bytes from the operating system's CSPRNG (crypto.randomBytes). ${MIN_BYTES} to ${MAX_BYTES} bytes; the default, 32 bytes, is 256 bits.`,
  options: {
    bytes: { type: 'string', valueName: 'n', description: 'Number of random bytes (default 32)' },
    format: { type: 'string', valueName: 'hex|base64url', description: 'Encoding (default base64url)' },
  },
  json: true,
  examples: [
    'kit secret',
    'kit secret --bytes 64 --format hex',
    'heroku config:set SESSION_SECRET=$(npx kit secret)',
  ],
  run({ values, out, json }) {
    const bytesText = values.bytes ?? '32'
    const bytes = /^\d+$/.test(bytesText) ? Number(bytesText) : Number.NaN
    if (!(bytes >= MIN_BYTES && bytes <= MAX_BYTES)) {
      throw new UsageError(
        `--bytes must be a whole number from ${MIN_BYTES} to ${MAX_BYTES}, got "${bytesText}".`,
      )
    }
    const format = values.format ?? 'base64url'
    if (!(FORMATS as readonly string[]).includes(format)) {
      throw new UsageError(`--format must be ${FORMATS.join(' or ')}, got "${format}".`)
    }
    const value = randomBytes(bytes).toString(format as (typeof FORMATS)[number])
    if (json) out.json({ secret: value, bytes, format })
    else out.line(value)
    return 0
  },
})
