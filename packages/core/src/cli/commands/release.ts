import { performance } from 'node:perf_hooks'
import { isKitError } from '@kit/internal'
import type { ReleaseEvent, ReleaseReporter, StepResult } from '@kit/migrate'
import { type Command, defineCommand } from '../command.ts'
import {
  embeddedNotice,
  type MigrateSetup,
  migrateSetup,
  summaryJson,
  textReporter,
  tuning,
  waitOption,
} from './migrate.ts'

/**
 * `kit release`: the Procfile's `release:` line. Validates the environment,
 * then runs @kit/migrate's release(): connect, release lock, pending
 * migrations, unsafe-operation checks, optional backup, apply, unlock.
 * Exit 0 only when everything held.
 */
export const releaseCommand: Command = defineCommand({
  name: 'release',
  summary:
    'Validate env, then apply pending migrations under a lock, with timeouts, checks and an optional backup',
  description: [
    'Steps, each printed with its duration: validate env → connect → take the release lock → list',
    'pending migrations → check them for unsafe operations → backup (--backup) → apply → release',
    'the lock. A second release waits for the lock, then finds nothing pending. Add it to the',
    'Procfile as `release: kit release`: Heroku aborts the deploy when it exits non-zero.',
  ].join('\n'),
  options: {
    backup: { type: 'boolean', description: 'Back up the database first when something is pending' },
    'allow-unsafe': { type: 'boolean', description: 'Report unsafe operations but apply anyway' },
    wait: {
      type: 'string',
      valueName: 'seconds',
      description: 'How long to wait for another release holding the lock (default 900)',
    },
  },
  json: true,
  examples: ['kit release', 'kit release --backup', 'kit release --json'],
  async run(ctx) {
    const wait = waitOption(ctx.values.wait)
    const steps: StepResult[] = []
    const text = ctx.json ? undefined : await textReporter(ctx)
    const reporter: ReleaseReporter = (event: ReleaseEvent) => {
      if (event.type === 'step-end') {
        const { type: _type, ...result } = event
        steps.push(result)
      }
      text?.(event)
    }

    const started = performance.now()
    reporter({ type: 'step-start', step: 'env' })
    let setup: Awaited<ReturnType<typeof migrateSetup>>
    try {
      setup = await migrateSetup(ctx, true)
    } catch (error) {
      reporter({
        type: 'step-end',
        step: 'env',
        status: 'failed',
        durationMs: Math.round(performance.now() - started),
      })
      return fail(ctx, error, steps)
    }
    reporter({
      type: 'step-end',
      step: 'env',
      status: 'ok',
      durationMs: Math.round(performance.now() - started),
      detail: setup.source,
    })
    embeddedNotice(ctx, setup)

    const { release } = await import('@kit/migrate')
    // kit.config's `migrations.backup` backs up before every release that applies something; --backup for one release.
    const configured = setup.settings.backup
    const backup = ctx.values.backup ? configured || true : configured || undefined
    try {
      const summary = await release({
        ...setup.base,
        ...tuning(setup.settings),
        ...wait,
        ...(backup ? { backup } : {}),
        ...(ctx.values['allow-unsafe'] ? { unsafe: 'warn' as const } : {}),
        reporter,
      })
      // The runtime flag toggles of @kit/flags live in kit's own tables, created (idempotently) on every release.
      if (setup.hasFlags) await ensureKitFlagsTables(setup)
      if (ctx.json) ctx.out.json(summaryJson(summary, steps))
      return 0
    } catch (error) {
      return fail(ctx, error, steps)
    }
  },
})

/**
 * Text mode: rethrow, so the CLI prints `error CODE: message` and exits 1.
 * JSON mode: one document with the error and the steps that ran.
 */
function fail(ctx: Parameters<Command['run']>[0], error: unknown, steps: StepResult[]): number {
  if (!ctx.json) throw error
  const e = error as Error & { code?: string; docs?: string; details?: unknown }
  ctx.out.error(`error${e.code ? ` ${e.code}` : ''}: ${e.message}`)
  ctx.out.json({
    ok: false,
    error: isKitError(error)
      ? { code: error.code, message: error.message, docs: error.docs, details: error.details ?? null }
      : { message: e.message },
    steps,
  })
  return 1
}

async function ensureKitFlagsTables(setup: MigrateSetup): Promise<void> {
  const { ensureFlagsTable } = await import('@kit/flags')
  // migrateSetup() gives a factory (a knex instance is callable too, but has a client).
  const source = setup.base.knex
  if ('client' in source) return ensureFlagsTable(source)
  const knex = await source()
  try {
    await ensureFlagsTable(knex)
  } finally {
    await knex.destroy()
  }
}
