import {
  exitCodeFor,
  renderLocalMode,
  renderObservatory,
  renderResults,
  renderSummary,
  runAudit,
  summarise,
} from '@kit/doctor'
import { type Command, defineCommand, UsageError } from '../command.ts'
import { parseFailOnOption } from './doctor.ts'

function integer(name: string, value: string | undefined, min: number, max: number): number | undefined {
  if (value === undefined) return undefined
  const number = /^\d+$/.test(value.trim()) ? Number(value) : Number.NaN
  if (!(number >= min && number <= max))
    throw new UsageError(`--${name} must be a whole number from ${min} to ${max}, got "${value}".`)
  return number
}

export const auditCommand: Command = defineCommand({
  name: 'audit',
  summary: 'Check a deployed URL live: TLS, redirects, headers, cookies, CORS, leaks, Observatory grade',
  description: [
    'Requests the URL like a scanner (the page over HTTPS, its http:// counterpart, CORS probes with',
    'hostile origins, a random 404, the health endpoint) and runs every LIVE-* check of',
    'docs/doctor-and-audit.md, next to the MDN HTTP Observatory score and grade for the same',
    'responses (algorithm 5, or 6 with --algorithm 6). Only the URL’s host is contacted. Certificates',
    'from a private CA verify when NODE_EXTRA_CA_CERTS names its PEM file.',
    'Local mode (on for http:// URLs on this machine, or --local): the app is fronted by an in-process',
    'TLS terminator on a throwaway certificate for its public host (--host, else APP_URL), with the',
    'X-Forwarded-* headers a platform router sends, so the grade is the one production will show.',
    'Exits with 1 when a failed check reaches --fail-on (default: error, i.e. critical or high).',
  ].join('\n'),
  positionals: [
    {
      name: 'url',
      description: 'The deployed app (https://example.com/), or a local one (http://127.0.0.1:3000/)',
    },
  ],
  options: {
    local: {
      type: 'boolean',
      description: 'Front the http:// app with a local TLS terminator (default for 127.0.0.1/localhost)',
    },
    'no-local': {
      type: 'boolean',
      description: 'Audit an http:// URL on this machine as it is, without local mode',
    },
    host: {
      type: 'string',
      valueName: 'host',
      description: 'Local mode: the host the app serves in production (default: APP_URL’s host)',
    },
    'http-port': {
      type: 'string',
      valueName: 'port',
      description: 'Port of the http:// counterpart (default 80)',
    },
    algorithm: { type: 'string', valueName: '5|6', description: 'Observatory scoring algorithm (default 5)' },
    'health-path': {
      type: 'string',
      valueName: 'path',
      description: 'Health endpoint to check (default /health/ready)',
    },
    timeout: {
      type: 'string',
      valueName: 'ms',
      description: 'Per-request timeout in milliseconds (default 10000)',
    },
    'fail-on': {
      type: 'string',
      valueName: 'error|warning|none',
      description: 'Lowest severity that fails (error = critical/high, warning = medium/low too)',
    },
  },
  json: true,
  examples: [
    'kit audit https://example.com/',
    'kit audit http://127.0.0.1:3000/ --host example.com',
    'kit audit https://127.0.0.1:8443/ --http-port 8080 --algorithm 6',
    'NODE_EXTRA_CA_CERTS=./ca.pem kit audit https://localhost:8443/ --json',
  ],
  async run({ values, positionals, env, out, json }) {
    const [url, ...extra] = positionals
    if (!url) throw new UsageError('kit audit needs the URL to check: kit audit https://example.com/')
    if (extra.length > 0) throw new UsageError(`kit audit checks one URL; got ${positionals.length}.`)
    const failOn = parseFailOnOption(values['fail-on'])
    const algorithm = integer('algorithm', values.algorithm, 5, 6) as 5 | 6 | undefined
    const httpPort = integer('http-port', values['http-port'], 1, 65535)
    const timeoutMs = integer('timeout', values.timeout, 1, 600_000)
    if (values.local && values['no-local']) throw new UsageError('Give --local or --no-local, not both.')
    if (values['no-local'] && values.host !== undefined)
      throw new UsageError('--host is for local mode; it cannot go with --no-local.')
    const local =
      values['no-local'] === true
        ? false
        : values.host !== undefined
          ? { host: values.host }
          : values.local === true
            ? true
            : undefined
    const report = await runAudit({
      url,
      env,
      ...(local !== undefined ? { local } : {}),
      ...(httpPort !== undefined ? { httpPort } : {}),
      ...(algorithm !== undefined ? { algorithm } : {}),
      ...(timeoutMs !== undefined ? { timeoutMs } : {}),
      ...(values['health-path'] !== undefined ? { healthPath: values['health-path'] } : {}),
    })
    const code = exitCodeFor(report.results, failOn)
    if (json) {
      out.json({
        ok: code === 0,
        failOn,
        url: report.url,
        ...(report.local ? { local: report.local } : {}),
        summary: summarise(report.results),
        observatory: report.observatory,
        results: report.results,
      })
      return code
    }
    const c = out.color
    out.line(`${c.bold('kit audit')} ${report.url}`)
    if (report.local) for (const line of renderLocalMode(report.local, c)) out.line(line)
    for (const line of renderResults(report.results, c)) out.line(line)
    for (const line of renderObservatory(report.observatory, c)) out.line(line)
    out.line()
    out.line(
      `${code === 0 ? c.green('✔') : c.red('✖')} ${renderSummary(report.results, c)} ${c.dim(`(--fail-on ${failOn})`)}`,
    )
    return code
  },
})
