import { type Command, defineCommand } from '../command.ts'
import type { Output } from '../output.ts'

export const initCommand: Command = defineCommand({
  name: 'init',
  summary:
    'Move an existing Express or Fastify app to kit: kit.config, Procfile, .env.example, the entry-file edit',
  description:
    "Reads package.json and the file that starts the app, then plans: kit.config carrying over the\nhelmet, cors, rate-limit and logger options it finds, the Procfile's `release: kit release`,\n.env.example, `.kit/` in .gitignore, and the edit of the entry file (productionize(), kit.listen(),\nthe middleware kit replaces removed) as a diff. Prints the plan and writes nothing unless --write is\ngiven. Never overwrites an existing kit.config or .env.example; a second run changes nothing.",
  options: {
    write: {
      type: 'boolean',
      short: 'w',
      description: 'Write the files and apply the edit (default: print the plan)',
    },
    entry: {
      type: 'string',
      valueName: 'file',
      description: 'The file that starts the app (default: found from package.json)',
    },
  },
  json: true,
  examples: [
    'kit init',
    'kit init --write',
    'kit init --json',
    'kit init --cwd apps/api --entry src/server.ts',
  ],
  async run({ cwd, values, out, json }) {
    // The parser and the planner load only for this command: `kit --help` stays fast.
    const { applyInit, planInit } = await import('../init/plan.ts')
    const { plan, writes } = await planInit(cwd, values.entry)
    if (values.write) applyInit(writes)
    if (json) {
      out.json({ ...plan, written: values.write === true && plan.changes })
      return 0
    }
    printPlan(out, plan, values.write === true)
    return 0
  },
})

type Plan = Awaited<ReturnType<typeof import('../init/plan.ts').planInit>>['plan']

function printPlan(out: Output, plan: Plan, written: boolean): void {
  const { bold, dim, green, yellow, cyan } = out.color
  const p = plan.project
  out.line(
    `${bold('kit init')}: ${p.framework === 'express' ? 'Express' : 'Fastify'} app, ${p.typescript ? 'TypeScript' : 'JavaScript'} (${p.moduleSystem === 'esm' ? 'ES modules' : 'CommonJS'}), entry ${p.entry}`,
  )
  if (plan.found.length > 0) {
    out.line('')
    out.line(bold('Found (kit replaces these):'))
    for (const f of plan.found) {
      out.line(`  ${f.package} ${dim(f.call)}`)
      out.line(`    → ${f.becomes}${f.carried.length > 0 ? `, carried over: ${f.carried.join(', ')}` : ''}`)
      for (const l of f.leftOut) {
        out.line(`    ${yellow('left out')} ${l.key}: ${l.reason}`)
        if (l.line) out.line(`      ${dim('to add by hand:')} ${l.line}`)
      }
    }
  }
  if (!plan.changes) {
    out.line('')
    out.line(`${green('✔')} Nothing to change: this app is already set up for kit.`)
  }
  for (const file of plan.files) {
    if (file.action === 'unchanged') continue
    out.line('')
    const verb = {
      create: written ? 'Created' : 'Would create',
      update: written ? 'Updated' : 'Would update',
      kept: 'Kept',
    }[file.action]
    out.line(`${bold(`${verb} ${file.path}`)}${file.reason ? dim(` (${file.reason})`) : ''}`)
    if (file.content !== undefined && !file.path.endsWith('.env.example'))
      out.write(indentBlock(file.content))
    if (file.content !== undefined && file.path.endsWith('.env.example'))
      out.line(dim('  (as `kit env example` writes it)'))
    if (file.diff) {
      for (const line of file.diff.replace(/\n$/, '').split('\n')) {
        out.line(
          `  ${line.startsWith('+') ? green(line) : line.startsWith('-') ? yellow(line) : line.startsWith('@@') ? cyan(line) : line}`,
        )
      }
    }
  }
  for (const step of plan.manual) out.line(`\n${yellow('To do by hand:')} ${step}`)
  for (const note of plan.notes) out.line(`\n${dim('Note:')} ${note}`)
  if (plan.changes) {
    out.line('')
    out.line(
      `Lines changed in your files: ${plan.linesChanged} written (added or rewritten), ${plan.linesRemoved} removed (what kit replaces)`,
    )
    out.line(
      written
        ? `${green('✔')} Written. Start the app and run \`kit doctor\`.`
        : 'Dry run: nothing written. Run `kit init --write` to apply.',
    )
  }
}

const indentBlock = (text: string): string =>
  text
    .split('\n')
    .map((line) => (line ? `  ${line}` : line))
    .join('\n')
