import { KitError } from '@kit/internal'

/** kit.config `doctor`: `{ silence: { 'KIT-SEC-004': 'framed by our own admin app on purpose' } }`. */
export interface DoctorOptions {
  /**
   * Checks that may fail without failing `kit doctor`, each with the reason
   * (required: a silenced check is still printed, with it).
   * @default {}
   */
  silence?: Readonly<Record<string, string>>
}

/**
 * Validates `doctor.silence` against the known ids: an unknown id (usually a
 * typo) or a missing reason throws, so a silence never hides the wrong check.
 */
export function parseSilence(options: unknown, knownIds: readonly string[]): Record<string, string> {
  if (options === undefined || options === null) return {}
  if (typeof options !== 'object' || Array.isArray(options)) {
    throw new KitError(
      'KIT_DOCTOR_SILENCE_INVALID',
      `kit.config doctor must be an object like { silence: { 'KIT-SEC-004': 'reason' } }; got ${describe(options)}.`,
    )
  }
  const silence = (options as DoctorOptions).silence
  if (silence === undefined) return {}
  if (silence === null || typeof silence !== 'object' || Array.isArray(silence)) {
    throw new KitError(
      'KIT_DOCTOR_SILENCE_INVALID',
      `kit.config doctor.silence must map check ids to reasons ({ 'KIT-SEC-004': 'reason' }); got ${describe(silence)}.`,
    )
  }
  const out: Record<string, string> = {}
  for (const [id, reason] of Object.entries(silence)) {
    const key = id.trim().toUpperCase()
    if (!knownIds.includes(key)) {
      const guess = closestId(key, knownIds)
      throw new KitError(
        'KIT_DOCTOR_SILENCE_INVALID',
        `kit.config doctor.silence names "${id}", which is not a check.${guess ? ` Did you mean "${guess}"?` : ''} Every id is listed in docs/doctor-and-audit.md.`,
      )
    }
    if (typeof reason !== 'string' || reason.trim() === '') {
      throw new KitError(
        'KIT_DOCTOR_SILENCE_INVALID',
        `kit.config doctor.silence["${id}"] needs a reason: say why failing it is acceptable, e.g. { '${key}': 'TLS ends at our load balancer' }.`,
      )
    }
    out[key] = reason.trim()
  }
  return out
}

function describe(value: unknown): string {
  if (value === null) return 'null'
  if (Array.isArray(value)) return 'an array'
  return typeof value
}

/** Same prefix and at most two characters apart: KIT-SEC-04 → KIT-SEC-004. */
function closestId(id: string, known: readonly string[]): string | undefined {
  const prefix = id.replace(/-?\d+$/, '')
  const digits = id.match(/\d+$/)?.[0]
  if (digits !== undefined) {
    const padded = known.find((k) => k.startsWith(prefix) && Number(k.match(/\d+$/)?.[0]) === Number(digits))
    if (padded) return padded
  }
  return known.find((k) => k.startsWith(prefix))
}
