#!/usr/bin/env node
// A committed file, so package managers can link the `kit` command before
// the TypeScript build exists (workspaces install first, build second).
import module from 'node:module'

// Node ≥ 22.1 keeps compiled code on disk (in os.tmpdir(); NODE_DISABLE_COMPILE_CACHE=1
// turns it off), so every later `kit` command starts faster. Node 20 has no such API.
// It must be on before the CLI's modules load, hence the dynamic import below.
module.enableCompileCache?.()
await import('../dist/cli/bin.js')
