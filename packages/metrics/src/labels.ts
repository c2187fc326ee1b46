import { hostname } from 'node:os'
import type { MetricsEnv } from './options.ts'

/**
 * The labels every series carries, so that dashboards can tell apps,
 * environments, releases and dynos apart: service (see serviceName()),
 * environment (SENTRY_ENVIRONMENT, else NODE_ENV), release (SENTRY_RELEASE,
 * which @kit/env fills from the platform) and instance (DYNO on Heroku, else
 * the host name).
 */
export function defaultLabels(env: MetricsEnv, service: string): Record<string, string> {
  return {
    service,
    environment: env.SENTRY_ENVIRONMENT || env.NODE_ENV || 'development',
    release: env.SENTRY_RELEASE || 'unknown',
    instance: instanceName(env),
  }
}

export function instanceName(env: MetricsEnv): string {
  return env.DYNO || env.HOSTNAME || hostname()
}

const LABEL_NAME = /^[a-zA-Z_][a-zA-Z0-9_]*$/

export function isLabelName(name: string): boolean {
  return LABEL_NAME.test(name) && !name.startsWith('__')
}
