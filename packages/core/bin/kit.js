#!/usr/bin/env node
// A committed file, so package managers can link the `kit` command before
// the TypeScript build exists (workspaces install first, build second).
import '../dist/cli/bin.js'
