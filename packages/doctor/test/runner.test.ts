import {
  type CheckDefinition,
  type CheckResult,
  exitCodeFor,
  failuresAt,
  PLAIN,
  parseFailOn,
  parseSilence,
  renderResults,
  renderSummary,
  runChecks,
  runDoctor,
} from '@kit/doctor'
import { isKitError } from '@kit/internal'
import { describe, expect, it } from 'vitest'
import { env, GOOD_FILES, project } from './support/project.ts'

const result = (
  id: string,
  severity: CheckResult['severity'],
  status: CheckResult['status'],
): CheckResult => ({
  id,
  title: id,
  severity,
  status,
  finding: '',
  fix: '',
})

describe('runChecks', () => {
  const check = (
    run: CheckDefinition<null>['run'],
    extra: Partial<CheckDefinition<null>> = {},
  ): CheckDefinition<null> => ({
    id: 'KIT-TEST-001',
    title: 'a check',
    severity: 'high',
    fix: 'the generic fix',
    run,
    ...extra,
  })

  it('turns a check that throws into a failure that says why, and runs the next ones', async () => {
    const results = await runChecks(
      [
        check(() => {
          throw new Error('boom')
        }),
        check(() => ({ status: 'pass', finding: 'ok' }), { id: 'KIT-TEST-002' }),
      ],
      null,
    )
    expect(results.map((r) => [r.id, r.status, r.finding])).toEqual([
      ['KIT-TEST-001', 'fail', 'the check could not run: boom'],
      ['KIT-TEST-002', 'pass', 'ok'],
    ])
  })

  it('skips online checks unless asked', async () => {
    const online = check(() => ({ status: 'pass', finding: 'ran' }), { online: true })
    expect((await runChecks([online], null))[0]).toMatchObject({
      status: 'skip',
      finding: 'needs --online (talks to the service)',
    })
    expect((await runChecks([online], null, { online: true }))[0]).toMatchObject({ status: 'pass' })
  })

  it('redacts secrets out of findings and keeps findings on one line', async () => {
    const [leaky] = await runChecks(
      [
        check(() => ({
          status: 'fail',
          finding: 'could not connect to\n postgres://app:hunter2hunter2@db.example.com/app',
        })),
      ],
      null,
    )
    expect(leaky!.finding).toBe('could not connect to postgres://app:[REDACTED]@db.example.com/app')
  })

  it('uses the outcome’s own fix when it gives one, and no fix for passes', async () => {
    const [specific, passed] = await runChecks(
      [
        check(() => ({ status: 'fail', finding: 'x', fix: 'the precise fix' })),
        check(() => ({ status: 'pass', finding: 'y' }), { id: 'KIT-TEST-002' }),
      ],
      null,
    )
    expect(specific!.fix).toBe('the precise fix')
    expect(passed!.fix).toBe('')
  })

  it('marks a silenced failure with its reason; a silenced pass stays a pass', async () => {
    const [silenced, passing] = await runChecks(
      [
        check(() => ({ status: 'fail', finding: 'x' })),
        check(() => ({ status: 'pass', finding: 'y' }), { id: 'KIT-TEST-002' }),
      ],
      null,
      { silence: { 'KIT-TEST-001': 'accepted by the security team', 'KIT-TEST-002': 'n/a' } },
    )
    expect(silenced).toMatchObject({ status: 'silenced', reason: 'accepted by the security team' })
    expect(passing!.status).toBe('pass')
  })
})

describe('--fail-on', () => {
  const results = [
    result('A', 'critical', 'pass'),
    result('B', 'medium', 'fail'),
    result('C', 'info', 'fail'),
    result('D', 'high', 'silenced'),
  ]

  it.each([
    ['error', 0],
    ['warning', 1],
    ['medium', 1],
    ['info', 1],
    ['none', 0],
  ] as const)('%s → exit %i', (failOn, code) => {
    expect(exitCodeFor(results, failOn)).toBe(code)
  })

  it('counts a failed critical check under error, never a silenced or skipped one', () => {
    expect(failuresAt([result('A', 'critical', 'fail')], 'error').map((r) => r.id)).toEqual(['A'])
    expect(exitCodeFor([result('A', 'critical', 'skip'), result('B', 'high', 'silenced')], 'info')).toBe(0)
  })

  it('accepts any case and refuses unknown words', () => {
    expect(parseFailOn(' Warning ')).toBe('warning')
    expect(parseFailOn(undefined)).toBe('error')
    const error = (() => {
      try {
        parseFailOn('errors')
      } catch (e) {
        return e
      }
    })()
    expect(isKitError(error, 'KIT_DOCTOR_INVALID_OPTION')).toBe(true)
  })
})

describe('kit.config doctor.silence', () => {
  const ids = ['KIT-SEC-004', 'KIT-SEC-012', 'KIT-OBS-001']
  const refuse = (options: unknown) => {
    try {
      parseSilence(options, ids)
    } catch (error) {
      if (isKitError(error, 'KIT_DOCTOR_SILENCE_INVALID')) return error.message
      throw error
    }
    throw new Error('accepted')
  }

  it('accepts ids with reasons, normalising case and spaces', () => {
    expect(parseSilence({ silence: { 'kit-sec-004': '  framed by our admin  ' } }, ids)).toEqual({
      'KIT-SEC-004': 'framed by our admin',
    })
    expect(parseSilence(undefined, ids)).toEqual({})
    expect(parseSilence({}, ids)).toEqual({})
  })

  it('refuses an unknown id and suggests the closest', () => {
    expect(refuse({ silence: { 'KIT-SEC-04': 'x' } })).toMatch(
      /"KIT-SEC-04", which is not a check\. Did you mean "KIT-SEC-004"\?/,
    )
  })

  it('refuses a silence without a reason', () => {
    expect(refuse({ silence: { 'KIT-SEC-012': '' } })).toMatch(/needs a reason/)
    expect(refuse({ silence: { 'KIT-SEC-012': true } })).toMatch(/needs a reason/)
  })

  it.each([
    ['a list', ['KIT-SEC-012']],
    ['a string', 'KIT-SEC-012'],
    ['null silence', { silence: null }],
  ])('refuses %s', (_label, options) => {
    expect(refuse(options)).toMatch(/doctor/)
  })

  it('runDoctor applies it: the failure is reported as silenced and no longer fails', async () => {
    const cwd = project(GOOD_FILES)
    const report = await runDoctor({
      cwd,
      env: env({ SENTRY_DSN: undefined }),
      config: { doctor: { silence: { 'KIT-OBS-001': 'errors go to our own collector' } } },
    })
    const obs = report.results.find((r) => r.id === 'KIT-OBS-001')!
    expect(obs).toMatchObject({ status: 'silenced', reason: 'errors go to our own collector' })
    expect(exitCodeFor(report.results, 'warning')).toBe(0)
  })

  it('runDoctor refuses a bad silence before running any check', async () => {
    await expect(
      runDoctor({ cwd: project(GOOD_FILES), config: { doctor: { silence: { 'KIT-NOPE-001': 'x' } } } }),
    ).rejects.toThrow(/KIT-NOPE-001/)
  })
})

describe('the text report', () => {
  const results: CheckResult[] = [
    { ...result('KIT-LOW-001', 'low', 'fail'), finding: 'low finding', fix: 'low fix' },
    { ...result('KIT-CRIT-001', 'critical', 'fail'), finding: 'critical finding', fix: 'critical fix' },
    { ...result('KIT-CRIT-002', 'critical', 'pass'), finding: 'fine' },
    { ...result('KIT-HIGH-001', 'high', 'silenced'), finding: 'x', reason: 'accepted' },
  ]

  it('groups by severity, most serious first, failures first with their fix', () => {
    const text = renderResults(results, PLAIN).join('\n')
    expect(text.indexOf('CRITICAL')).toBeLessThan(text.indexOf('HIGH'))
    expect(text.indexOf('HIGH')).toBeLessThan(text.indexOf('LOW'))
    expect(text.indexOf('KIT-CRIT-001')).toBeLessThan(text.indexOf('KIT-CRIT-002'))
    expect(text).toContain('fix: critical fix')
    expect(text).toContain('silenced: accepted')
    expect(text.includes('\u001b[')).toBe(false)
  })

  it('summarises errors and warnings', () => {
    expect(renderSummary(results, PLAIN)).toBe('1 error, 1 warning, 0 notes, 1 passed, 0 skipped, 1 silenced')
  })
})
