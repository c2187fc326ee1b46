import type { Command } from '../command.ts'
import { auditCommand } from './audit.ts'
import { dbCommands } from './db.ts'
import { doctorCommand } from './doctor.ts'
import { envCheckCommand } from './env-check.ts'
import { envExampleCommand } from './env-example.ts'
import { flagsCommands } from './flags.ts'
import { initCommand } from './init.ts'
import { migrateCommands } from './migrate.ts'
import { releaseCommand } from './release.ts'
import { secretCommand } from './secret.ts'

/**
 * Every `kit` subcommand, in the order `kit --help` lists them. To add one,
 * write commands/<name>.ts exporting `defineCommand({ name, summary, run })`
 * and add it here; help, --help, --json, --cwd and exit codes come with it.
 */
export const COMMANDS: readonly Command<any>[] = [
  initCommand,
  envCheckCommand,
  envExampleCommand,
  secretCommand,
  ...flagsCommands,
  releaseCommand,
  doctorCommand,
  auditCommand,
  ...migrateCommands,
  ...dbCommands,
]
