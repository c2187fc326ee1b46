import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { KitError } from '@kit/internal'
import { WORKSPACE_ROOT } from '@kit/test-utils'
import { describe, expect, it } from 'vitest'
import { COMMANDS, defineCommand, UsageError } from '../src/cli/index.ts'
import { ANSI, runInProcess, runKit } from './cli-helpers.ts'

describe('kit (spawned)', () => {
  it('--help lists every command with its summary and exits 0', async () => {
    const { code, stdout, stderr } = await runKit(['--help'])
    expect(code).toBe(0)
    expect(stderr).toBe('')
    expect(stdout).toMatch(
      /^kit: make an Express or Fastify app production-ready\n\nUsage: kit <command> \[options\]/,
    )
    for (const command of COMMANDS) expect(stdout).toContain(`  ${command.name} `)
    expect(stdout).toContain(
      'Exit codes: 0 success, 1 a problem was found or the command failed, 2 wrong usage.',
    )
    expect(stdout).not.toMatch(ANSI)
  })

  it('--version prints the package version', async () => {
    const { version } = JSON.parse(readFileSync(join(WORKSPACE_ROOT, 'packages/core/package.json'), 'utf8'))
    const { code, stdout } = await runKit(['--version'])
    expect(code).toBe(0)
    expect(stdout).toBe(`${version}\n`)
  })

  it('exits 2 for an unknown command and suggests the closest one', async () => {
    const { code, stdout, stderr } = await runKit(['secrte'])
    expect(code).toBe(2)
    expect(stdout).toBe('')
    expect(stderr).toBe(
      'error: Unknown command "secrte". Did you mean "secret"?\nRun `kit --help` for usage.\n',
    )
  })
})

describe('help', () => {
  it('is what `kit` alone prints', async () => {
    const [alone, help] = await Promise.all([runInProcess([]), runInProcess(['-h'])])
    expect(alone.code).toBe(0)
    expect(alone.stdout).toBe(help.stdout)
  })

  it.each(COMMANDS.map((c) => [c.name]))('kit %s --help shows usage, options and examples', async (name) => {
    const command = COMMANDS.find((c) => c.name === name)!
    const { code, stdout, stderr } = await runInProcess([...name.split(' '), '--help'])
    expect(code).toBe(0)
    expect(stderr).toBe('')
    const args = (command.positionals ?? []).map((p) => ` <${p.name}>`).join('')
    expect(stdout.startsWith(`Usage: kit ${name}${args} [options]\n\n${command.summary}\n`)).toBe(true)
    expect(stdout).toContain('--cwd <dir>')
    expect(stdout).toContain('-h, --help')
    if (command.json) expect(stdout).toContain('--json')
    for (const option of Object.keys(command.options ?? {})) expect(stdout).toContain(`--${option}`)
    expect(stdout).toContain('Examples:')
  })

  it('lists the commands of a group', async () => {
    const { code, stdout } = await runInProcess(['env'])
    expect(code).toBe(0)
    expect(stdout).toMatch(/^Usage: kit env <command> \[options\]\n\nCommands:\n {2}env check +Validate/)
    expect(stdout).toContain('  env example ')
    expect((await runInProcess(['env', '--help'])).stdout).toBe(stdout)
  })

  it('shows arguments of commands that take them', async () => {
    const greet = defineCommand({
      name: 'greet',
      summary: 'Say hello',
      positionals: [{ name: 'who', description: 'Whom to greet' }],
      run: ({ positionals, out }) => {
        out.line(`hello ${positionals.join(' ')}`)
        return 0
      },
    })
    const help = await runInProcess(['greet', '--help'], { commands: [greet] })
    expect(help.stdout).toContain('Usage: kit greet <who> [options]')
    expect(help.stdout).toMatch(/Arguments:\n {2}<who> +Whom to greet/)
    expect((await runInProcess(['greet', 'world'], { commands: [greet] })).stdout).toBe('hello world\n')
  })
})

describe('usage errors (exit 2)', () => {
  it('an unknown subcommand of a group', async () => {
    const { code, stderr } = await runInProcess(['env', 'chekc'])
    expect(code).toBe(2)
    expect(stderr).toBe(
      'error: Unknown command "env chekc". Did you mean "env check"?\nRun `kit env --help` for usage.\n',
    )
  })

  it('an unknown option, pointing at the command help', async () => {
    const { code, stderr } = await runInProcess(['env', 'check', '--verbose'])
    expect(code).toBe(2)
    expect(stderr).toBe("error: Unknown option '--verbose'\nRun `kit env check --help` for usage.\n")
  })

  it('an argument the command does not take', async () => {
    const { code, stderr } = await runInProcess(['secret', 'now'])
    expect(code).toBe(2)
    expect(stderr).toMatch(/^error: Unexpected argument 'now'/)
  })

  it('an option without its value', async () => {
    const { code, stderr } = await runInProcess(['env', 'check', '--cwd'])
    expect(code).toBe(2)
    expect(stderr).toMatch(/^error: Option '--cwd <value>' argument missing/)
  })

  it('--json on a command that has no JSON output', async () => {
    const plain = defineCommand({ name: 'plain', summary: 'No JSON', run: () => 0 })
    const { code, stderr } = await runInProcess(['plain', '--json'], { commands: [plain] })
    expect(code).toBe(2)
    expect(stderr).toMatch(/^error: Unknown option '--json'/)
  })

  it('--cwd that is not a folder', async () => {
    const { code, stderr } = await runInProcess(['env', 'check', '--cwd', '/nonexistent/kit-folder'])
    expect(code).toBe(2)
    expect(stderr).toContain('error: --cwd /nonexistent/kit-folder is not a folder.')
  })

  it('a UsageError thrown by a command', async () => {
    const picky = defineCommand({
      name: 'picky',
      summary: 'Refuses',
      run: () => {
        throw new UsageError('--size must be small.')
      },
    })
    const { code, stderr } = await runInProcess(['picky'], { commands: [picky] })
    expect(code).toBe(2)
    expect(stderr).toBe('error: --size must be small.\nRun `kit picky --help` for usage.\n')
  })
})

describe('problems (exit 1)', () => {
  const failing = (error: unknown) =>
    defineCommand({
      name: 'fail',
      summary: 'Fails',
      json: true,
      run: () => {
        throw error
      },
    })

  it('prints a KitError as its code, message and docs link, without a stack', async () => {
    const error = new KitError('KIT_TEST_BROKEN', 'The widget is broken. Fix the widget.')
    const { code, stdout, stderr } = await runInProcess(['fail'], { commands: [failing(error)] })
    expect(code).toBe(1)
    expect(stdout).toBe('')
    expect(stderr).toBe(`error KIT_TEST_BROKEN: The widget is broken. Fix the widget.\ndocs: ${error.docs}\n`)
  })

  it('shows the stack with KIT_DEBUG=1', async () => {
    const error = new KitError('KIT_TEST_BROKEN', 'broken')
    const { stderr } = await runInProcess(['fail'], { commands: [failing(error)], env: { KIT_DEBUG: '1' } })
    expect(stderr).toContain('KitError: broken\n    at ')
  })

  it('prints any other error with a hint about KIT_DEBUG', async () => {
    const { code, stderr } = await runInProcess(['fail'], {
      commands: [failing(new TypeError('x is not a function'))],
    })
    expect(code).toBe(1)
    expect(stderr).toBe('error: x is not a function\nSet KIT_DEBUG=1 to see the stack trace.\n')
  })

  it('prints the error as JSON on stdout with --json', async () => {
    const error = new KitError('KIT_TEST_BROKEN', 'broken')
    const { code, stdout } = await runInProcess(['fail', '--json'], { commands: [failing(error)] })
    expect(code).toBe(1)
    expect(JSON.parse(stdout)).toEqual({
      ok: false,
      error: { code: 'KIT_TEST_BROKEN', message: 'broken', docs: error.docs },
    })
  })

  it('scrubs secrets out of error messages', async () => {
    const error = new Error('connect to postgres://app:hunter2-secret@db/app failed')
    const { stderr } = await runInProcess(['fail'], { commands: [failing(error)] })
    expect(stderr).toContain('postgres://app:[REDACTED]@db/app')
    expect(stderr).not.toContain('hunter2-secret')
  })

  it('uses the exit code a command returns', async () => {
    const one = defineCommand({ name: 'one', summary: 'Returns 1', run: () => 1 })
    const none = defineCommand({ name: 'none', summary: 'Returns nothing', run: () => undefined })
    expect((await runInProcess(['one'], { commands: [one, none] })).code).toBe(1)
    expect((await runInProcess(['none'], { commands: [one, none] })).code).toBe(0)
  })
})

describe('colours', () => {
  it('are on for a terminal', async () => {
    expect((await runInProcess(['--help'], { isTTY: true })).stdout).toMatch(ANSI)
  })

  it('are off for a pipe, unless FORCE_COLOR is set', async () => {
    expect((await runInProcess(['--help'])).stdout).not.toMatch(ANSI)
    expect((await runInProcess(['--help'], { env: { FORCE_COLOR: '1' } })).stdout).toMatch(ANSI)
    expect((await runInProcess(['--help'], { env: { FORCE_COLOR: '0' } })).stdout).not.toMatch(ANSI)
  })

  it('are never on with NO_COLOR, even on a terminal with FORCE_COLOR', async () => {
    const run = await runInProcess(['secrte'], { isTTY: true, env: { NO_COLOR: '1', FORCE_COLOR: '1' } })
    expect(run.stdout + run.stderr).not.toMatch(ANSI)
  })

  it('are off for TERM=dumb', async () => {
    expect((await runInProcess(['--help'], { isTTY: true, env: { TERM: 'dumb' } })).stdout).not.toMatch(ANSI)
  })
})
