import {
  type DoctorConfig,
  exitCodeFor,
  FAIL_ON_VALUES,
  type FailOn,
  renderResults,
  renderSummary,
  runDoctor,
  summarise,
} from '@kit/doctor'
import { createDatabase } from '../../connections/database.ts'
import { type Command, defineCommand, UsageError } from '../command.ts'

export function parseFailOnOption(value: string | undefined): FailOn {
  const failOn = (value ?? 'error').trim().toLowerCase()
  if (!(FAIL_ON_VALUES as readonly string[]).includes(failOn))
    throw new UsageError(`--fail-on must be one of ${FAIL_ON_VALUES.join(', ')}, got "${value}".`)
  return failOn as FailOn
}

export const doctorCommand: Command = defineCommand({
  name: 'doctor',
  summary: 'Check configuration, environment and project files before go-live',
  description: [
    'Runs every static go-live check (docs/doctor-and-audit.md): NODE_ENV, env validity, security',
    'headers, CSP, HSTS, HTTPS redirect, CORS, cookies, secrets, TRUST_PROXY for the platform, rate',
    'limits and Redis with several instances, database, mail, Sentry, the Procfile release phase.',
    'With --online it also connects to the database (TLS, pool size, pending and unsafe migrations)',
    "and verifies the mail provider's credentials. Silence a check in kit.config with a reason:",
    "doctor: { silence: { 'KIT-SEC-012': 'not ready to preload' } }.",
    'Exits with 1 when a failed check reaches --fail-on (default: error, i.e. critical or high).',
  ].join('\n'),
  options: {
    online: {
      type: 'boolean',
      description: 'Also check the database and the mail provider over the network',
    },
    'fail-on': {
      type: 'string',
      valueName: 'error|warning|none',
      description: 'Lowest severity that fails (error = critical/high, warning = medium/low too)',
    },
  },
  json: true,
  examples: ['kit doctor', 'kit doctor --online --fail-on warning', 'heroku run kit doctor --online --json'],
  async run({ values, cwd, env, out, json, loadConfig }) {
    const failOn = parseFailOnOption(values['fail-on'])
    const { config, path } = await loadConfig()
    const report = await runDoctor({
      config: config as DoctorConfig,
      ...(path ? { configPath: path } : {}),
      cwd,
      env,
      online: values.online === true,
      database: (parsed) => {
        const database = createDatabase({ ...parsed, DYNO: env.DYNO }, config.database ?? {}, { cwd })
        return { knex: database.knex, kind: database.kind }
      },
    })
    const code = exitCodeFor(report.results, failOn)
    if (json) {
      out.json({
        ok: code === 0,
        failOn,
        nodeEnv: report.nodeEnv,
        platform: report.platform ?? null,
        appRoot: report.appRoot,
        online: report.online,
        summary: summarise(report.results),
        results: report.results,
      })
      return code
    }
    const c = out.color
    out.line(
      `${c.bold('kit doctor')} ${report.appRoot} ${c.dim(`(NODE_ENV=${report.nodeEnv}, platform ${report.platform ?? 'none detected'}${report.online ? ', online' : ''})`)}`,
    )
    for (const line of renderResults(report.results, c)) out.line(line)
    out.line()
    out.line(
      `${code === 0 ? c.green('✔') : c.red('✖')} ${renderSummary(report.results, c)} ${c.dim(`(--fail-on ${failOn})`)}`,
    )
    return code
  },
})
