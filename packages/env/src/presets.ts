import { detectRelease as detectPlatformRelease } from '@kit/internal'

/**
 * What each platform sets and calls things. A preset only fills variables
 * the environment leaves unset; anything you set yourself wins.
 */
export type PresetName = 'heroku' | 'render' | 'fly' | 'railway' | 'digitalocean'

export type EnvSource = Readonly<Record<string, string | undefined>>

export interface PresetInfo {
  name: PresetName
  label: string
  /** The variable whose presence identifies the platform (none: choose the preset explicitly). */
  detectedBy: string | undefined
  /** Built-in variables the preset fills when unset, computed from what the platform sets. */
  defaults(source: EnvSource): Record<string, string | undefined>
}

const https = (host: string | undefined): string | undefined => (host ? `https://${host}` : undefined)

export const PRESETS: Readonly<Record<PresetName, PresetInfo>> = Object.freeze({
  heroku: {
    name: 'heroku',
    label: 'Heroku',
    detectedBy: 'DYNO',
    // Heroku's router is one hop; PORT, DATABASE_URL, REDIS_URL/REDIS_TLS_URL come from the platform and add-ons.
    defaults: () => ({ TRUST_PROXY: '1' }),
  },
  render: {
    name: 'render',
    label: 'Render',
    detectedBy: 'RENDER',
    defaults: (source) => ({ TRUST_PROXY: '1', APP_URL: source.RENDER_EXTERNAL_URL }),
  },
  fly: {
    name: 'fly',
    label: 'Fly.io',
    detectedBy: 'FLY_APP_NAME',
    defaults: (source) => ({
      TRUST_PROXY: '1',
      APP_URL: https(source.FLY_APP_NAME && `${source.FLY_APP_NAME}.fly.dev`),
    }),
  },
  railway: {
    name: 'railway',
    label: 'Railway',
    detectedBy: 'RAILWAY_ENVIRONMENT',
    defaults: (source) => ({ TRUST_PROXY: '1', APP_URL: https(source.RAILWAY_PUBLIC_DOMAIN) }),
  },
  digitalocean: {
    name: 'digitalocean',
    label: 'DigitalOcean App Platform',
    // App Platform sets no variable that identifies it: choose the preset with KIT_PRESET=digitalocean.
    detectedBy: undefined,
    defaults: () => ({ TRUST_PROXY: '1' }),
  },
})

export const PRESET_NAMES: readonly PresetName[] = Object.freeze(Object.keys(PRESETS) as PresetName[])

/** The platform the process runs on, from the variables each one sets; undefined elsewhere. */
export function detectPreset(source: EnvSource = process.env): PresetName | undefined {
  for (const preset of Object.values(PRESETS)) {
    if (preset.detectedBy && source[preset.detectedBy]) return preset.name
  }
  return undefined
}

export type PresetChoice = PresetName | 'auto' | false

/**
 * Resolves the preset: a code option other than 'auto' wins, then KIT_PRESET,
 * then detection.
 * Returns a problem for an unknown name instead of throwing, so it joins the
 * aggregated error.
 */
export function resolvePreset(
  option: PresetChoice | undefined,
  source: EnvSource,
): { preset: PresetName | undefined; problem?: string } {
  // 'auto' in code means "no preference": KIT_PRESET may still choose.
  const fromEnv = source.KIT_PRESET?.trim().toLowerCase() || 'auto'
  const choice = option === undefined || option === 'auto' ? fromEnv : option
  if (choice === false || choice === 'none' || choice === 'off' || choice === 'false')
    return { preset: undefined }
  if (choice === 'auto' || choice === '') return { preset: detectPreset(source) }
  if (choice in PRESETS) return { preset: choice as PresetName }
  return {
    preset: undefined,
    problem: `expected one of ${PRESET_NAMES.join(', ')}, auto or none`,
  }
}

/**
 * The release id the platform exposes, for SENTRY_RELEASE's default: the
 * one list @kit/sentry reads too (RELEASE_SOURCES in @kit/internal: Heroku,
 * Render, Railway, the deployment tag of Fly.io's FLY_IMAGE_REF, other hosts
 * and CI, GIT_SHA).
 */
export function detectRelease(source: EnvSource): string | undefined {
  return detectPlatformRelease(source, { skip: ['SENTRY_RELEASE'] })?.release
}
