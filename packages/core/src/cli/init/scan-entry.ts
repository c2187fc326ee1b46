import { type ImportStatement, readImports, requiredPackage, unwrap } from './imports.ts'
import { type DuplicateKind, KNOWN_PACKAGES, MIDDLEWARE_KINDS } from './known-packages.ts'
import { type AstNode, span, stringValue, walk } from './parse-source.ts'
import type { Framework } from './project.ts'
import { removeUnusedDeclarations } from './unused-declarations.ts'

export type { ImportStatement } from './imports.ts'
/** One call of a package kit replaces, with the options it was given. */
export interface FoundMiddleware {
  kind: DuplicateKind
  pkg: string
  /** The options object literal, when there is one. */
  options?: AstNode
  /** `app.use('/api', limiter)` and route-level limiters: the path it guards. */
  path?: string
  /** The variable holding it (`const loginLimiter = rateLimit(...)`), for naming a tier. */
  variable?: string
  /** One of helmet's own middlewares (`helmet.contentSecurityPolicy(...)`): its option name. */
  member?: string
  /** Source text of the call, for the report. */
  call: string
}

export interface AppCreation {
  name: string
  /** The statement that creates the app (`const app = express()`). */
  statement: AstNode
  /** The call (`express()`, `Fastify({ logger: true })`). */
  call: AstNode
  /** Top level of the file, an async function, or a function that cannot await. */
  context: 'top-level' | 'async-function' | 'sync-function'
}

export interface ListenCall {
  call: AstNode
  awaited: boolean
  /** In an async function or an ES module's top level. */
  canAwait: boolean
  /** `const server = app.listen()`: the caller uses what listen() returns. */
  resultUsed: boolean
  callback?: AstNode
  /** The port argument, for the report when it does not come from PORT. */
  port?: AstNode
}

/** A span of the file to delete (a whole statement, or one argument). */
export interface Removal {
  start: number
  end: number
  kind: 'statement' | 'argument'
}

export interface EntryScan {
  /** Already calls productionize(): nothing to edit. */
  alreadyKit: boolean
  imports: ImportStatement[]
  app?: AppCreation
  listen?: ListenCall
  middleware: FoundMiddleware[]
  removals: Removal[]
  /** Names declared at the top level (to avoid clashing with `kit`, `config`). */
  declaredNames: Set<string>
  envNames: string[]
  /** `logger: {...}` given to Fastify() or pino(): its options. */
  loggerOptions: AstNode[]
  /** A statement after the app that exports it: wrapping the file in main() would break it. */
  exportsApp: boolean
  /** Fastify's constructor options, to hand to fastifyOptions(). */
  fastifyOptions?: AstNode
  /** Fastify routes with @fastify/rate-limit's `config: { rateLimit }`: the `rateLimit` property and the route. */
  routeLimits: { method: string; path: string; property: AstNode; call: string }[]
  /** How the app trusted proxies (`app.set('trust proxy', 1)`, Fastify `trustProxy`): kit reads TRUST_PROXY. */
  trustProxy?: string
}

const FUNCTION_TYPES = new Set([
  'FunctionDeclaration',
  'FunctionExpression',
  'ArrowFunctionExpression',
  'ObjectMethod',
  'ClassMethod',
])
const ROUTE_METHODS = new Set(['get', 'post', 'put', 'patch', 'delete', 'all', 'options', 'head'])
/** Reads the entry file's syntax tree: the app, what kit replaces, where it listens. */
export function scanEntry(
  program: AstNode,
  text: string,
  framework: Framework,
  moduleSystem: 'esm' | 'commonjs',
): EntryScan {
  const imports = readImports(program)
  const localPackage = new Map<string, string>()
  for (const entry of imports) for (const local of entry.locals) localPackage.set(local, entry.pkg)
  const packageOfCallee = (callee: AstNode | undefined): string | undefined => {
    const n = unwrap(callee)
    if (!n) return undefined
    if (n.type === 'Identifier') return localPackage.get(n.name)
    if (n.type === 'MemberExpression' && n.object.type === 'Identifier')
      return localPackage.get(n.object.name)
    return requiredPackage(n)
  }

  const scan: EntryScan = {
    alreadyKit: false,
    imports,
    middleware: [],
    removals: [],
    declaredNames: new Set(),
    envNames: [],
    loggerOptions: [],
    exportsApp: false,
    routeLimits: [],
  }
  const envNames = new Set<string>()
  // Variables holding a known package's result: `const limiter = rateLimit({...})`.
  const knownVariables = new Map<string, { pkg: string; call: AstNode; statement: AstNode }>()
  const serverVariables = new Set<string>()
  const calls: { node: AstNode; parents: readonly AstNode[] }[] = []

  walk(program, (node, parents) => {
    const parent = parents[parents.length - 1]
    if (node.type === 'CallExpression') calls.push({ node, parents: [...parents] })
    if (node.type === 'VariableDeclarator' && node.id.type === 'Identifier') {
      if (parent === undefined) return
      const statement = parents[parents.length - 1]!
      const init = unwrap(node.init)
      if (parents.length === 2 || parents[parents.length - 2]?.type === 'ExportNamedDeclaration') {
        scan.declaredNames.add(node.id.name)
      }
      if (init?.type === 'CallExpression') {
        const pkg = packageOfCallee(init.callee)
        if ((pkg === 'express' || pkg === 'fastify') && !scan.app && pkg === framework) {
          const fn = [...parents].reverse().find((p) => FUNCTION_TYPES.has(p.type))
          scan.app = {
            name: node.id.name,
            statement:
              parents[parents.length - 2]?.type === 'ExportNamedDeclaration'
                ? parents[parents.length - 2]!
                : statement,
            call: init,
            context: fn ? (fn.async ? 'async-function' : 'sync-function') : 'top-level',
          }
        } else if (pkg && KNOWN_PACKAGES[pkg]) {
          knownVariables.set(node.id.name, { pkg, call: init, statement })
        }
        const callee = unwrap(init.callee)
        const calleeName =
          callee?.type === 'Identifier'
            ? callee.name
            : callee?.type === 'MemberExpression'
              ? callee.property.name
              : ''
        if (calleeName === 'createServer' && init.arguments.some((a: AstNode) => a.type === 'Identifier')) {
          serverVariables.add(node.id.name)
        }
      }
    }
    if (node.type === 'FunctionDeclaration' && parents.length === 1 && node.id)
      scan.declaredNames.add(node.id.name)
    if (node.type === 'MemberExpression') {
      const object = node.object
      if (
        object.type === 'MemberExpression' &&
        object.object.name === 'process' &&
        object.property.name === 'env'
      ) {
        const name = node.computed ? stringValue(node.property) : node.property.name
        if (name) envNames.add(name)
      }
    }
    if (node.type === 'VariableDeclarator' && node.id.type === 'ObjectPattern') {
      const init = unwrap(node.init)
      if (
        init?.type === 'MemberExpression' &&
        init.object.name === 'process' &&
        init.property.name === 'env'
      ) {
        for (const p of node.id.properties) if (p.key?.type === 'Identifier') envNames.add(p.key.name)
      }
    }
  })
  for (const entry of imports) for (const local of entry.locals) scan.declaredNames.add(local)
  scan.alreadyKit =
    imports.some((i) => i.pkg === '@kit/core') &&
    calls.some(({ node }) => node.callee.name === 'productionize')

  const app = scan.app
  const optionsOf = (call: AstNode): AstNode | undefined => {
    const first = unwrap(call.arguments[0])
    return first?.type === 'ObjectExpression' ? first : undefined
  }
  const found = (
    pkg: string,
    call: AstNode,
    text: string,
    extra: Partial<FoundMiddleware> = {},
  ): FoundMiddleware => {
    const options = pkg === 'morgan' ? undefined : optionsOf(call)
    return {
      kind: KNOWN_PACKAGES[pkg]!,
      pkg,
      ...(options ? { options } : {}),
      ...extra,
      call: text,
    }
  }
  /** A middleware argument kit replaces: `helmet()`, `limiter`, `pinoHttp({ logger })`. */
  const knownArgument = (
    arg: AstNode,
  ): { pkg: string; call: AstNode; variable?: string; member?: string } | undefined => {
    const n = unwrap(arg)
    if (n?.type === 'CallExpression') {
      const pkg = packageOfCallee(n.callee)
      const callee = unwrap(n.callee)
      const member =
        pkg === 'helmet' && callee?.type === 'MemberExpression' && !callee.computed
          ? callee.property.name
          : undefined
      if (pkg && MIDDLEWARE_KINDS.has(KNOWN_PACKAGES[pkg]!))
        return { pkg, call: n, ...(member ? { member } : {}) }
    }
    if (n?.type === 'Identifier') {
      const known = knownVariables.get(n.name)
      if (known && MIDDLEWARE_KINDS.has(KNOWN_PACKAGES[known.pkg]!)) return { ...known, variable: n.name }
    }
    return undefined
  }
  const statementOf = (parents: readonly AstNode[]): AstNode | undefined => {
    const parent = parents[parents.length - 1]
    if (parent?.type === 'ExpressionStatement') return parent
    if (parent?.type === 'AwaitExpression' && parents[parents.length - 2]?.type === 'ExpressionStatement') {
      return parents[parents.length - 2]
    }
    return undefined
  }

  for (const { node, parents } of calls) {
    const callee = unwrap(node.callee)
    if (callee?.type !== 'MemberExpression' || callee.computed) continue
    const target = callee.object.type === 'Identifier' ? callee.object.name : undefined
    const method = callee.property.name as string
    const onApp = app !== undefined && target === app.name
    if (onApp && method === 'use') {
      const args = node.arguments as AstNode[]
      const path = stringValue(args[0])
      const handlers = path === undefined ? args : args.slice(1)
      const known = handlers.map(knownArgument)
      if (known.every((k) => k === undefined)) continue
      for (const k of known) {
        if (!k) continue
        scan.middleware.push(
          found(k.pkg, k.call, sourceText(node), {
            ...(path !== undefined ? { path } : {}),
            ...(k.variable ? { variable: k.variable } : {}),
            ...(k.member ? { member: k.member } : {}),
          }),
        )
      }
      const statement = statementOf(parents)
      if (known.every(Boolean) && statement) scan.removals.push({ ...span(statement), kind: 'statement' })
      else {
        for (const [i, arg] of handlers.entries()) {
          if (known[i]) scan.removals.push(argumentSpan(args, args.indexOf(arg)))
        }
      }
    } else if (
      onApp &&
      (method === 'set' || method === 'enable') &&
      stringValue(node.arguments[0]) === 'trust proxy'
    ) {
      // Set after productionize(), it would undo kit's TRUST_PROXY rule.
      const statement = statementOf(parents)
      if (!statement) continue
      scan.trustProxy = method === 'enable' ? 'true' : sourceText(node.arguments[1])
      scan.removals.push({ ...span(statement), kind: 'statement' })
    } else if (onApp && method === 'register') {
      const pkg = packageOfCallee(node.arguments[0]) ?? requiredPackage(node.arguments[0])
      const statement = statementOf(parents)
      if (!pkg || !KNOWN_PACKAGES[pkg] || !statement) continue
      const options = unwrap(node.arguments[1])
      scan.middleware.push({
        kind: KNOWN_PACKAGES[pkg]!,
        pkg,
        ...(options?.type === 'ObjectExpression' ? { options } : {}),
        call: sourceText(node),
      })
      scan.removals.push({ ...span(statement), kind: 'statement' })
    } else if (onApp && framework === 'fastify' && (ROUTE_METHODS.has(method) || method === 'route')) {
      // @fastify/rate-limit's per-route `config: { rateLimit }`, in `app.get(path, options, handler)` or `app.route({...})`.
      const args = node.arguments as AstNode[]
      const options = unwrap(method === 'route' ? args[0] : args[1])
      const path = stringValue(method === 'route' ? propertyOf(options, 'url') : args[0])
      const config = unwrap(propertyOf(options, 'config'))
      const property = (config?.type === 'ObjectExpression' ? config.properties : []).find(
        (p: AstNode) => p.type === 'ObjectProperty' && !p.computed && propertyName(p) === 'rateLimit',
      )
      if (path !== undefined && property) {
        const verb = method === 'route' ? (stringValue(propertyOf(options, 'method')) ?? 'ROUTE') : method
        scan.routeLimits.push({ method: verb.toUpperCase(), path, property, call: sourceText(node) })
      }
    } else if (onApp && ROUTE_METHODS.has(method)) {
      // A limiter on one route: `app.post('/login', loginLimiter, handler)`.
      const args = node.arguments as AstNode[]
      const path = stringValue(args[0])
      if (path === undefined) continue
      args.slice(1, -1).forEach((arg, i) => {
        const k = knownArgument(arg)
        if (!k || KNOWN_PACKAGES[k.pkg] !== 'rate-limit') return
        scan.middleware.push(
          found(k.pkg, k.call, sourceText(node), { path, ...(k.variable ? { variable: k.variable } : {}) }),
        )
        scan.removals.push(argumentSpan(args, i + 1))
      })
    } else if (
      method === 'listen' &&
      !scan.listen &&
      (onApp ||
        (target !== undefined && serverVariables.has(target)) ||
        createsServerFor(callee.object, app?.name))
    ) {
      const parent = parents[parents.length - 1]
      const fn = [...parents].reverse().find((p) => FUNCTION_TYPES.has(p.type))
      const args = node.arguments as AstNode[]
      const last = args[args.length - 1]
      scan.listen = {
        call: node,
        awaited: parent?.type === 'AwaitExpression',
        resultUsed: !['ExpressionStatement', 'AwaitExpression'].includes(parent?.type ?? ''),
        canAwait: fn ? fn.async === true : moduleSystem === 'esm' || app?.context === 'top-level',
        ...(last && FUNCTION_TYPES.has(last.type) ? { callback: last } : {}),
        ...(args[0] && !FUNCTION_TYPES.has(args[0].type) ? { port: args[0] } : {}),
      }
    }
  }
  // createTerminus(server, {...}): kit's health routes and graceful shutdown replace it.
  for (const { node, parents } of calls) {
    if (packageOfCallee(node.callee) !== '@godaddy/terminus') continue
    const statement = statementOf(parents)
    if (!statement) continue
    scan.middleware.push(found('@godaddy/terminus', node, sourceText(node)))
    scan.removals.push({ ...span(statement), kind: 'statement' })
  }
  // Fastify({ logger: {...} }) and pino({...}): the logger options kit can take.
  if (app && framework === 'fastify') {
    const options = unwrap(app.call.arguments[0])
    if (options?.type === 'ObjectExpression') {
      scan.fastifyOptions = options
      const trust = options.properties.find((p: AstNode) => p.key?.name === 'trustProxy')
      if (trust?.value) scan.trustProxy = sourceText(trust.value)
      const logger = options.properties.find((p: AstNode) => p.key?.name === 'logger')
      if (logger?.value?.type === 'ObjectExpression') scan.loggerOptions.push(logger.value)
    }
  }
  for (const [, known] of knownVariables) {
    if (KNOWN_PACKAGES[known.pkg] === 'logger' || KNOWN_PACKAGES[known.pkg] === 'request-logger') {
      const options = optionsOf(known.call)
      if (options) scan.loggerOptions.push(options)
    }
  }
  for (const m of scan.middleware) {
    if (m.kind === 'request-logger' && m.options) scan.loggerOptions.push(m.options)
  }

  removeUnusedDeclarations(program, scan, knownVariables)
  if (app) {
    scan.exportsApp = (program.body as AstNode[]).some(
      (s) => s.start > app.statement.end && isExportOf(s, app.name),
    )
  }
  scan.envNames = [...envNames].sort()
  return scan

  function sourceText(node: AstNode): string {
    return text.slice(node.start, node.end)
  }
}

function isExportOf(statement: AstNode, name: string): boolean {
  if (statement.type === 'ExportDefaultDeclaration' || statement.type === 'ExportNamedDeclaration')
    return true
  if (statement.type !== 'ExpressionStatement') return false
  const e = statement.expression
  if (e.type !== 'AssignmentExpression') return false
  const left = e.left
  const isModuleExports =
    (left.type === 'MemberExpression' && left.object.name === 'module' && left.property.name === 'exports') ||
    (left.type === 'MemberExpression' && left.object.name === 'exports') ||
    (left.type === 'MemberExpression' &&
      left.object.type === 'MemberExpression' &&
      left.object.object.name === 'module')
  return isModuleExports && JSON.stringify(e.right).includes(`"name":"${name}"`)
}

const propertyName = (p: AstNode): string | undefined => p.key?.name ?? p.key?.value

/** The value of `key` in an object literal, else undefined. */
function propertyOf(object: AstNode | undefined, key: string): AstNode | undefined {
  if (object?.type !== 'ObjectExpression') return undefined
  const found = (object.properties as AstNode[]).find(
    (p) => p.type === 'ObjectProperty' && !p.computed && propertyName(p) === key,
  )
  return found?.value
}

/** One argument and the comma that separates it from its neighbour. */
function argumentSpan(args: AstNode[], index: number): Removal {
  const arg = args[index]!
  if (index < args.length - 1) return { start: arg.start, end: args[index + 1]!.start, kind: 'argument' }
  return { start: args[index - 1]!.end, end: arg.end, kind: 'argument' }
}

/** `http.createServer(app)` (or `https.createServer(options, app)`) used in place: `.listen()` is the app's. */
function createsServerFor(node: AstNode, app: string | undefined): boolean {
  if (node.type !== 'CallExpression' || app === undefined) return false
  const callee = node.callee
  const name =
    callee.type === 'Identifier'
      ? callee.name
      : callee.type === 'MemberExpression'
        ? callee.property.name
        : ''
  return (
    name === 'createServer' && node.arguments.some((a: AstNode) => a.type === 'Identifier' && a.name === app)
  )
}
