import { createRequire } from 'node:module'

/**
 * ipaddr.js, loaded with require() rather than `import`. It is a CommonJS
 * file, and Node's ES-module loader scans every CommonJS file it imports for
 * its export names (cjs-module-lexer) before running it; for this 38 KB file
 * that scan, and the optimising compiler it wakes, was most of what importing
 * kit cost beyond the hand-wired libraries (docs/internals/module-loading.md).
 */
export const ipaddr: typeof import('ipaddr.js') = createRequire(import.meta.url)('ipaddr.js')
