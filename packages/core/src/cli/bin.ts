#!/usr/bin/env node
import { runCli } from './main.ts'

process.exitCode = await runCli(process.argv.slice(2))
// Whatever a loaded kit.config left open (a pool, a timer) must not keep the CLI alive.
setTimeout(() => process.exit(), 1000).unref()
