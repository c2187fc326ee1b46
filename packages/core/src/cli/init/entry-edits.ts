import { relative } from 'node:path'
import type { AstNode } from './parse-source.ts'
import type { Project } from './project.ts'
import type { EntryScan, ListenCall, Removal } from './scan-entry.ts'

interface TextEdit {
  start: number
  end: number
  text: string
}

export interface EntryEdit {
  /** The new text of the entry file (equal to the old one when nothing can be done by itself). */
  text: string
  /** What the user must still do by hand. */
  manual: string[]
  notes: string[]
}

/** A whole statement: its full lines, when nothing else shares them. */
function statementLines(source: string, removal: Removal): TextEdit {
  if (removal.kind === 'argument') return { start: removal.start, end: removal.end, text: '' }
  const lineStart = source.lastIndexOf('\n', removal.start - 1) + 1
  const lineEndIndex = source.indexOf('\n', removal.end)
  const lineEnd = lineEndIndex === -1 ? source.length : lineEndIndex + 1
  const before = source.slice(lineStart, removal.start)
  const after = source.slice(removal.end, lineEnd)
  if (/^\s*$/.test(before) && /^\s*;?\s*(\/\/.*)?$/.test(after)) {
    // Between two blank lines, take one of them too: no double gap where the statement was.
    const blankBefore = lineStart === 0 || /\n[ \t]*\n$/.test(source.slice(0, lineStart))
    const next = /^[ \t]*\n/.exec(source.slice(lineEnd))
    return { start: lineStart, end: blankBefore && next ? lineEnd + next[0].length : lineEnd, text: '' }
  }
  return { start: removal.start, end: removal.end, text: '' }
}

const indentAt = (source: string, position: number): string => {
  const lineStart = source.lastIndexOf('\n', position - 1) + 1
  return /^[ \t]*/.exec(source.slice(lineStart))![0]
}
const endOfLine = (source: string, position: number): number => {
  const index = source.indexOf('\n', position)
  return index === -1 ? source.length : index
}

function freeName(wanted: string, alternative: string, taken: ReadonlySet<string>): string {
  return taken.has(wanted) ? alternative : wanted
}

/** `Fastify(...)` arguments that give Fastify kit's logger and trustProxy. */
function fastifyArguments(source: string, call: AstNode, configName: string): TextEdit {
  const [options] = call.arguments as AstNode[]
  const kitOptions = `fastifyOptions(${configName})`
  const open = source.indexOf('(', call.callee.end)
  if (!options) return { start: open + 1, end: call.end - 1, text: kitOptions }
  if (options.type !== 'ObjectExpression') {
    return {
      start: options.start,
      end: options.end,
      text: `{ ...${source.slice(options.start, options.end)}, ...${kitOptions} }`,
    }
  }
  const others = (options.properties as AstNode[]).filter(
    (p) => p.type === 'SpreadElement' || !['logger', 'trustProxy', 'loggerInstance'].includes(p.key?.name),
  )
  const text =
    others.length === 0
      ? kitOptions
      : `{ ...${kitOptions}, ${others.map((p) => source.slice(p.start, p.end)).join(', ')} }`
  return { start: options.start, end: options.end, text }
}

/**
 * The edit of the entry file: kit's imports, productionize() after the app
 * is created, kit.listen() in place of app.listen(), and the calls kit
 * replaces removed. A CommonJS file that creates its app at the top level
 * gets the `async function main()` wrapper of docs/getting-started.md
 * (no top-level await there); the lines inside are not re-indented, so the
 * diff stays the few lines that matter.
 */
export function editEntry(
  source: string,
  program: AstNode,
  scan: EntryScan,
  project: Project,
  configSpecifier: string,
  /** The file that imports the app and listens, when it is not this one. */
  listenedFrom?: string,
  /** Edits planned with kit.config (`config.rateLimit` → `config.kitRateLimit`). */
  extraEdits: readonly TextEdit[] = [],
): EntryEdit {
  const manual: string[] = []
  const notes: string[] = []
  const app = scan.app
  if (!app) {
    manual.push(
      `No \`express()\`/\`Fastify()\` call found in the entry file: add \`const kit = await productionize(app, config)\` right after your app is created, and \`await kit.listen()\` where it starts listening.`,
    )
    return { text: source, manual, notes }
  }
  if (app.context === 'sync-function') {
    manual.push(
      `\`${app.name}\` is created inside a function that is not async: make it async, then add \`const kit = await productionize(${app.name}, config)\` right after it (productionize() is async).`,
    )
    return { text: source, manual, notes }
  }
  if (listenedFrom && app.context === 'top-level' && project.moduleSystem === 'commonjs') {
    manual.push(
      `${relative(project.root, project.entry)} exports the app for ${listenedFrom} to start, and CommonJS cannot await productionize() before the routes are added: export an async factory that awaits productionize(app, config) and adds the routes, and await it in ${listenedFrom} (docs/getting-started.md, "CommonJS"); then start the server with \`await kit.listen()\`.`,
    )
    return { text: source, manual, notes }
  }
  if (app.context === 'top-level' && project.moduleSystem === 'commonjs' && scan.exportsApp && !scan.listen) {
    // main() would assign module.exports after an await: whoever requires the file (bin/www) would get {}.
    manual.push(
      `${relative(project.root, project.entry)} exports the app and does not start it, and CommonJS cannot await productionize() before the routes are added: export an async factory that awaits productionize(app, config) and adds the routes, and await it where the app is started (docs/getting-started.md, "CommonJS"); then start the server with \`await kit.listen()\`.`,
    )
    return { text: source, manual, notes }
  }
  const esmSyntax =
    project.moduleSystem === 'esm' || scan.imports.some((i) => i.node.type === 'ImportDeclaration')
  const wrap = app.context === 'top-level' && project.moduleSystem === 'commonjs'
  if (wrap && scan.exportsApp) {
    notes.push(
      `${app.name} is exported: kit's pipeline is installed once main() has awaited productionize(). Tests that require the file should await an async factory instead (docs/getting-started.md, "CommonJS").`,
    )
  }
  const configName = freeName('config', 'kitConfig', scan.declaredNames)
  const kitName = freeName('kit', 'kitApp', scan.declaredNames)
  const imported = project.framework === 'fastify' ? '{ fastifyOptions, productionize }' : '{ productionize }'
  const importLines = esmSyntax
    ? [`import ${imported} from '@kit/core'`, `import ${configName} from '${configSpecifier}'`]
    : [`const ${imported} = require('@kit/core')`, `const ${configName} = require('${configSpecifier}')`]

  const edits: TextEdit[] = [...scan.removals.map((r) => statementLines(source, r)), ...extraEdits]
  // kit's imports take the place of the first import init removes, else go after the last import.
  // Only the imports above the app: a require() further down (`const { Client } = require('pg')` mid-file) is no header.
  const topImports = scan.imports
    .map((i) => i.node)
    .filter((node) => node.start < app.statement.start)
    .sort((a, b) => a.start - b.start)
  const firstRemoved = topImports.find((node) => scan.removals.some((r) => r.start === node.start))
  if (firstRemoved) {
    const edit = edits.find((e) => e.start <= firstRemoved.start && e.end >= firstRemoved.end)!
    edit.text = `${importLines.join('\n')}\n`
  } else if (topImports.length > 0) {
    const last = topImports[topImports.length - 1]!
    const at = endOfLine(source, last.end)
    edits.push({ start: at, end: at, text: `\n${importLines.join('\n')}` })
  } else {
    const directives = (program.directives ?? []) as AstNode[]
    const at =
      directives.length > 0
        ? endOfLine(source, directives[directives.length - 1]!.end) + 1
        : source.startsWith('#!')
          ? endOfLine(source, 0) + 1
          : 0
    edits.push({ start: at, end: at, text: `${importLines.join('\n')}\n` })
  }

  const indent = indentAt(source, app.statement.start)
  if (project.framework === 'fastify') edits.push(fastifyArguments(source, app.call, configName))
  const afterApp = endOfLine(source, app.statement.end)
  // CommonJS: the app stays at the top level (an export of it keeps working); what follows runs in main().
  edits.push({
    start: afterApp,
    end: afterApp,
    text: `${wrap ? '\nasync function main() {' : ''}\n${indent}const ${kitName} = await productionize(${app.name}, ${configName})`,
  })
  if (wrap) {
    edits.push({
      start: source.length,
      end: source.length,
      text: `${source.endsWith('\n') ? '' : '\n'}}\nmain().catch((error) => { console.error(error); process.exit(1) })\n`,
    })
  }

  const listen = scan.listen
  if (listen) {
    const callback = listen.callback
    // `.then(callback)` only where the result of listen() is not used (`const server = app.listen()`).
    const keepCallback = callback && callback.params.length === 0 && !listen.resultUsed
    if (callback && !keepCallback) {
      notes.push(
        'The listen callback was dropped: kit.listen() rejects when the port cannot be used, and logs the address it listens on.',
      )
    }
    const { port, host } = listenTarget(listen)
    const portText = port ? source.slice(port.start, port.end) : undefined
    if (portText && !/port/i.test(portText)) {
      notes.push(
        `The app listened on ${portText}; kit.listen() uses PORT (default 3000): set PORT, or pass kit.listen({ port }).`,
      )
    }
    // A host the app chose on purpose (`'0.0.0.0'` in a container) is kept: kit binds 127.0.0.1 outside production.
    const hostText =
      host?.type === 'StringLiteral' && !LOCAL_HOSTS.has(host.value)
        ? source.slice(host.start, host.end)
        : undefined
    const call = `${kitName}.listen(${hostText ? `{ host: ${hostText} }` : ''})${keepCallback ? `.then(${source.slice(callback.start, callback.end)})` : ''}`
    const text = !listen.awaited && listen.canAwait ? `await ${call}` : call
    edits.push({ start: listen.call.start, end: listen.call.end, text })
  } else if (listenedFrom) {
    notes.push(
      `${listenedFrom} still starts the app with listen(): kit's pipeline is in place. For kit's graceful shutdown and server timeouts, export \`${kitName}\` from ${relative(project.root, project.entry)} and start it with \`await ${kitName}.listen()\` there.`,
    )
  } else {
    manual.push(`No \`${app.name}.listen()\` found: start the server with \`await ${kitName}.listen()\`.`)
  }
  return { text: withoutNewGaps(source, applyEdits(source, edits)), manual, notes }
}

const LOCAL_HOSTS = new Set(['localhost', '127.0.0.1'])

/** The port and host an app listened on: `listen(port, host, cb)` (Express, node) or `listen({ port, host })` (Fastify). */
function listenTarget(listen: ListenCall): { port?: AstNode; host?: AstNode } {
  const [first, second] = listen.call.arguments as AstNode[]
  if (first?.type === 'ObjectExpression') {
    const value = (key: string) =>
      (first.properties as AstNode[]).find(
        (p) => p.type === 'ObjectProperty' && !p.computed && p.key?.name === key,
      )?.value
    return { port: value('port'), host: value('host') }
  }
  return { port: listen.port, host: second?.type === 'StringLiteral' ? second : undefined }
}

/** Removed statements in a row leave blank lines side by side: fold them, unless the file had such gaps itself. */
function withoutNewGaps(source: string, text: string): string {
  const gap = /\n[ \t]*\n([ \t]*\n)+/g
  return gap.test(source) ? text : text.replace(gap, '\n\n')
}

function applyEdits(source: string, edits: TextEdit[]): string {
  const sorted = [...edits].sort((a, b) => b.start - a.start || b.end - a.end)
  let text = source
  let limit = Number.POSITIVE_INFINITY
  for (const edit of sorted) {
    // Edits never overlap by construction; one that would is skipped rather than garbling the file.
    if (edit.end > limit) continue
    text = text.slice(0, edit.start) + edit.text + text.slice(edit.end)
    limit = edit.start
  }
  return text
}
