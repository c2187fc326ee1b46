#!/usr/bin/env node
// Fails when a test starts an asynchronous assertion and does not wait for it:
//
//   expect(flags.set('x', 'z')).rejects.toThrow()        // can never fail
//   await expect(flags.set('x', 'z')).rejects.toThrow()  // what was meant
//
// vitest's `.rejects` / `.resolves` return a promise; a statement that drops
// it ends the test before the assertion runs, so it passes whatever happens.
// Biome's noFloatingPromises cannot see this (it does not infer vitest's
// types), so `pnpm lint` runs this check too. Usage: node scripts/check-test-promises.mjs [files...]
import { readdirSync, readFileSync, statSync } from 'node:fs'
import { join, relative } from 'node:path'
import ts from 'typescript'

const root = new URL('..', import.meta.url).pathname
const TEST_FILE = /\.(test|spec)\.[cm]?[jt]sx?$/
const SKIP_DIRS = new Set(['node_modules', 'dist', '.kit', 'coverage'])

function* testFiles(dir) {
  for (const name of readdirSync(dir)) {
    if (SKIP_DIRS.has(name) || name.startsWith('.')) continue
    const path = join(dir, name)
    if (statSync(path).isDirectory()) yield* testFiles(path)
    else if (TEST_FILE.test(name)) yield path
  }
}

/** True when `node` is a call chain through `.rejects` / `.resolves` of expect(...), or an expect.poll(...) chain. */
function isAsyncAssertion(node) {
  let current = node
  let asyncModifier = false
  while (current) {
    if (ts.isCallExpression(current)) {
      const callee = current.expression
      if (ts.isIdentifier(callee) && callee.text === 'expect') return asyncModifier
      current = callee
    } else if (ts.isPropertyAccessExpression(current)) {
      if (
        current.name.text === 'poll' &&
        ts.isIdentifier(current.expression) &&
        current.expression.text === 'expect'
      ) {
        return true
      }
      if (current.name.text === 'rejects' || current.name.text === 'resolves') asyncModifier = true
      current = current.expression
    } else if (ts.isNonNullExpression(current) || ts.isParenthesizedExpression(current)) {
      current = current.expression
    } else {
      return false
    }
  }
  return false
}

function check(path) {
  const text = readFileSync(path, 'utf8')
  const source = ts.createSourceFile(path, text, ts.ScriptTarget.Latest, true)
  const problems = []
  const visit = (node) => {
    // A statement whose value is the assertion's promise, dropped on the floor (`void` drops it too).
    const expression = ts.isExpressionStatement(node)
      ? ts.isVoidExpression(node.expression)
        ? node.expression.expression
        : node.expression
      : undefined
    if (expression && isAsyncAssertion(expression)) {
      const { line } = source.getLineAndCharacterOfPosition(node.getStart(source))
      problems.push(`${relative(root, path)}:${line + 1}: ${expression.getText(source).split('\n')[0]}`)
    }
    ts.forEachChild(node, visit)
  }
  visit(source)
  return problems
}

const given = process.argv.slice(2)
const files = given.length
  ? given
  : ['packages', 'examples', 'scripts'].flatMap((dir) => [...testFiles(join(root, dir))])
const problems = files.flatMap(check)
if (problems.length) {
  console.error(
    `Un-awaited .rejects/.resolves assertions (they can never fail; add \`await\` or \`return\`):\n${problems.map((p) => `  ${p}`).join('\n')}`,
  )
  process.exit(1)
}
console.log(`check-test-promises: ${files.length} test files, every .rejects/.resolves is awaited`)
