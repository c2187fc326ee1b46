import type { PermissionsPolicyOptions } from './options.ts'

type Fail = (code: string, message: string) => never

/**
 * Powerful features no page of a typical web app uses, denied to the page
 * and every frame. All are known to Chromium, so the header logs no
 * "unrecognized feature" warnings.
 */
export const DEFAULT_DENIED_FEATURES: readonly string[] = Object.freeze([
  'accelerometer',
  'browsing-topics',
  'camera',
  'display-capture',
  'geolocation',
  'gyroscope',
  'hid',
  'idle-detection',
  'magnetometer',
  'microphone',
  'midi',
  'payment',
  'serial',
  'usb',
  'xr-spatial-tracking',
])

/** Builds the Permissions-Policy value (an RFC 8941 dictionary of inner lists). */
export function buildPermissionsPolicy(
  options: PermissionsPolicyOptions | false | undefined,
  fail: Fail,
): string | undefined {
  if (options === false) return undefined
  const features = new Map<string, readonly string[]>(DEFAULT_DENIED_FEATURES.map((f) => [f, []]))
  for (const [feature, allow] of Object.entries(options ?? {})) {
    if (!/^[a-z][a-z0-9-]*$/.test(feature)) {
      fail(
        'KIT_SECURITY_INVALID_OPTION',
        `permissionsPolicy: '${feature}' is not a feature name; use lower-case names such as 'camera' or 'fullscreen'.`,
      )
    }
    if (allow === false) {
      features.delete(feature)
      continue
    }
    if (!Array.isArray(allow)) {
      fail(
        'KIT_SECURITY_INVALID_OPTION',
        `permissionsPolicy.${feature} must be an array ([] to deny, ['self'], ['self', 'https://maps.example']) or false; got ${JSON.stringify(allow)}.`,
      )
    }
    features.set(
      feature,
      allow.map((entry) => allowlistItem(feature, entry, fail)),
    )
  }
  if (features.size === 0) return undefined
  return [...features]
    .map(([f, allow]) => (allow.includes('*') ? `${f}=*` : `${f}=(${allow.join(' ')})`))
    .join(', ')
}

function allowlistItem(feature: string, entry: unknown, fail: Fail): string {
  if (entry === 'self' || entry === '*' || entry === 'src') return entry
  if (typeof entry === 'string' && /^https?:\/\/[a-z0-9.-]+(:\d{1,5})?$/i.test(entry))
    return `"${entry.toLowerCase()}"`
  return fail(
    'KIT_SECURITY_INVALID_OPTION',
    `permissionsPolicy.${feature}: ${JSON.stringify(entry)} is not an allowlist entry. Use 'self', '*', or an origin like 'https://maps.example' (no quotes inside the string: this is not CSP).`,
  )
}
