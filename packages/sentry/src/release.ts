// One list with @kit/env's SENTRY_RELEASE default: see @kit/internal release.ts.
export { type DetectedRelease, detectRelease, RELEASE_ENV_NAMES } from '@kit/internal'
