import { existsSync, readFileSync, writeFileSync } from 'node:fs'
import { dirname, join, relative } from 'node:path'
import { findConfigFile } from '../../config/find.ts'
import { localImports } from './app-file.ts'
import { configPlace, packageJsonWithConfig, tsconfigExcludesRoot } from './config-place.ts'
import { type Finding, planConfig } from './config-sections.ts'
import { editEntry } from './entry-edits.ts'
import { frameworkUpgradeStep } from './framework-version.ts'
import { readLocalFile, replacedElsewhere } from './other-files.ts'
import { parseSource } from './parse-source.ts'
import { type Project, readProject } from './project.ts'
import { renderConfig } from './render-config.ts'
import { scanEntry } from './scan-entry.ts'
import { envExampleFor, gitIgnoresKit, gitignoreWithKit, procfileWithRelease } from './side-files.ts'
import { tsconfigAliases } from './tsconfig-paths.ts'
import { unifiedDiff } from './unified-diff.ts'

export type FileAction = 'create' | 'update' | 'unchanged' | 'kept'

export interface PlannedFile {
  /** Relative to the app's folder. */
  path: string
  /** create/update: init writes it (with --write); unchanged: already right; kept: the user's, left alone. */
  action: FileAction
  /** The whole new file, for `create`. */
  content?: string
  /** Unified diff, for `update`. */
  diff?: string
  /** Lines written (added or rewritten) in this existing file. */
  linesChanged?: number
  /** Lines removed from it (the calls kit replaces). */
  linesRemoved?: number
  reason?: string
}

export interface InitPlan {
  project: {
    framework: string
    moduleSystem: string
    typescript: boolean
    /** The file that creates the app (and that init edits). */
    entry: string
    /** The file that starts it, when that is another one (`server.js` importing `./app.js`). */
    startedBy?: string
  }
  found: Finding[]
  files: PlannedFile[]
  /** Steps init could not do by itself. */
  manual: string[]
  notes: string[]
  /** Lines written (added or rewritten) in the app's existing files: entry, Procfile, .gitignore. */
  linesChanged: number
  /** Lines removed from them: the duplicate middleware and its imports. */
  linesRemoved: number
  /** Something to write: false on a second run. */
  changes: boolean
}

interface Planned {
  plan: InitPlan
  writes: { path: string; text: string; create: boolean }[]
}

/** How far init follows the entry's own imports to find the file that creates the app. */
const MAX_IMPORT_DEPTH = 4
const MAX_FILES_READ = 40

const read = (path: string): string | undefined => (existsSync(path) ? readFileSync(path, 'utf8') : undefined)

/** How the entry file names kit.config: relative, with the extension its runtime resolves. */
function configSpecifier(project: Project, configPath: string, source: string): string {
  let path = relative(dirname(project.entry), configPath).split('\\').join('/')
  if (!path.startsWith('.')) path = `./${path}`
  if (!/\.[cm]?ts$/.test(path)) return path
  const tsImports = /from\s+['"]\.\.?\/[^'"]+\.ts['"]/.test(source)
  if (project.runsTypeScriptWithNode || tsImports) return path
  // tsx and tsc (nodenext) map `.js` to the `.ts` file; CommonJS TypeScript takes no extension
  // (docs/internals/init-facts.md).
  return project.moduleSystem === 'esm' ? path.replace(/\.ts$/, '.js') : path.replace(/\.ts$/, '')
}

/** Everything `kit init` would do in `root`, without writing anything. */
export async function planInit(root: string, entryOption?: string): Promise<Planned> {
  const started = readProject(root, entryOption)
  const startSource = readFileSync(started.entry, 'utf8')
  const startProgram = await parseSource(startSource, relative(root, started.entry))
  let project = started
  let source = startSource
  let program = startProgram
  let scan = scanEntry(program, source, project.framework, project.moduleSystem)
  // An entry that only listens (`server.js` importing `./app.js`): the app, and what to edit, are in the file it imports.
  let listenedFrom: string | undefined
  if (!scan.app && !scan.alreadyKit) {
    // Breadth first through the app's own imports (`bin/www` → `app.js`, `index.js` → `app/index.js` → `app/app.js`),
    // a few levels deep: the nearest file that creates the app is the one to edit.
    const seen = new Set([started.entry])
    const aliases = tsconfigAliases(root)
    let level = localImports(started.entry, startProgram, aliases)
    search: for (let depth = 0; depth < MAX_IMPORT_DEPTH && level.length > 0; depth++) {
      const next: string[] = []
      for (const file of level) {
        if (seen.has(file) || seen.size > MAX_FILES_READ) continue
        seen.add(file)
        const read = await readLocalFile(root, file)
        if (!read) continue
        const { text, program: parsed } = read
        const moduleSystem =
          file.endsWith('.mjs') || file.endsWith('.mts')
            ? 'esm'
            : file.endsWith('.cjs') || file.endsWith('.cts')
              ? 'commonjs'
              : started.moduleSystem
        const found = scanEntry(parsed, text, started.framework, moduleSystem)
        if (!found.app && !found.alreadyKit) {
          next.push(...localImports(file, parsed, aliases))
          continue
        }
        project = { ...started, entry: file, moduleSystem, typescript: /\.[cm]?ts$/.test(file) }
        source = text
        program = parsed
        scan = found
        listenedFrom = relative(root, started.entry)
        break search
      }
      level = next
    }
  }
  // What the starting file reads from the environment is the app's too (`const { MONGO_URL } = process.env` in server.js).
  if (listenedFrom) {
    const startNames = scanEntry(startProgram, startSource, started.framework, started.moduleSystem).envNames
    scan = { ...scan, envNames: [...new Set([...scan.envNames, ...startNames])].sort() }
  }
  const entryName = relative(root, project.entry)
  const config = await planConfig(root, source, scan)
  const files: PlannedFile[] = []
  const writes: Planned['writes'] = []
  const manual: string[] = []
  const upgrade = frameworkUpgradeStep(root, project.framework, project.frameworkRange)
  if (upgrade) manual.push(upgrade)
  const notes = [...config.notes]
  let linesChanged = 0
  let linesRemoved = 0

  if (project.dependencies.has('dotenv')) {
    notes.push(
      'dotenv: kit reads .env and .env.local itself outside production (never in production); you can drop dotenv.',
    )
  }
  const existingConfig = findConfigFile(root)
  const place = configPlace(root, project)
  const configPath = existingConfig ?? join(root, place.path)
  if (existingConfig) {
    files.push({
      path: relative(root, existingConfig),
      action: 'kept',
      reason: 'exists; kit init never overwrites it',
    })
    const sources = dirname(place.path)
    if (sources !== '.' && dirname(relative(root, existingConfig)) === '.' && tsconfigExcludesRoot(root)) {
      manual.push(
        `Move ${relative(root, existingConfig)} to ${place.path}: the app's TypeScript sources are in ${sources}/, and tsc refuses an import from outside rootDir (TS6059) or, with include: ["${sources}"], moves its output one folder down. kit finds it there too (docs/configuration.md, "Where kit.config lives").`,
      )
    }
  } else {
    const content = renderConfig(config.entries, place.format, entryName)
    files.push({ path: place.path, action: 'create', content })
    writes.push({ path: configPath, text: content, create: true })
  }

  const update = (file: string, before: string | undefined, after: string, reason?: string) => {
    const path = join(root, file)
    if (before === after) {
      files.push({ path: file, action: 'unchanged', ...(reason ? { reason } : {}) })
      return
    }
    if (before === undefined) {
      files.push({ path: file, action: 'create', content: after })
      writes.push({ path, text: after, create: true })
      return
    }
    const diff = unifiedDiff(before, after, file)
    linesChanged += diff.changed
    // Removed lines that were not rewritten in place: those are counted in `changed` already.
    const removed = diff.removed - Math.min(diff.removed, diff.rewritten)
    linesRemoved += removed
    files.push({
      path: file,
      action: 'update',
      diff: diff.text,
      linesChanged: diff.changed,
      linesRemoved: removed,
    })
    writes.push({ path, text: after, create: false })
  }

  if (scan.alreadyKit) {
    files.push({ path: entryName, action: 'unchanged', reason: 'already calls productionize()' })
  } else {
    const edit = editEntry(
      source,
      program,
      scan,
      project,
      configSpecifier(project, configPath, source),
      listenedFrom,
      config.entryEdits,
    )
    manual.push(...edit.manual)
    notes.push(...edit.notes)
    update(entryName, source, edit.text)
  }

  for (const other of await replacedElsewhere(
    root,
    project.entry,
    program,
    new Set([started.entry]),
    tsconfigAliases(root),
  )) {
    manual.push(
      `${other.file} uses ${other.packages.join(', ')}: kit replaces ${other.packages.length > 1 ? 'them' : 'it'}, and init edits only ${entryName}. Remove ${other.packages.length > 1 ? 'them' : 'it'} there, and move the options to kit.config (docs/migrating.md); until then kit warns at start-up that both run.`,
    )
  }

  // A config in a folder kit does not search by itself (tsconfig rootDir "app"): package.json says where.
  if (!existingConfig && place.packageJsonField) {
    const manifest = readFileSync(join(root, 'package.json'), 'utf8')
    update('package.json', manifest, packageJsonWithConfig(manifest, place.packageJsonField))
  }

  const procfile = procfileWithRelease(read(join(root, 'Procfile')), project.hasStartScript)
  if (procfile.note) notes.push(procfile.note)
  update('Procfile', read(join(root, 'Procfile')), procfile.text!)
  const gitignore = read(join(root, '.gitignore'))
  if (gitIgnoresKit(root) && !gitignore?.match(/^\/?\.kit\/?\s*$/m)) {
    files.push({ path: '.gitignore', action: 'unchanged', reason: 'git already ignores .kit/' })
  } else {
    update('.gitignore', gitignore, gitignoreWithKit(gitignore))
  }
  if (existsSync(join(root, '.env.example'))) {
    files.push({
      path: '.env.example',
      action: 'kept',
      reason: 'exists; `kit env example --force` rewrites it from kit.config',
    })
  } else {
    const text = envExampleFor(config.envNames)
    files.push({ path: '.env.example', action: 'create', content: text })
    writes.push({ path: join(root, '.env.example'), text, create: true })
  }

  return {
    plan: {
      project: {
        framework: project.framework,
        moduleSystem: project.moduleSystem,
        typescript: project.typescript,
        entry: entryName,
        ...(listenedFrom ? { startedBy: listenedFrom } : {}),
      },
      found: config.findings,
      files,
      manual,
      notes,
      linesChanged,
      linesRemoved,
      changes: writes.length > 0,
    },
    writes,
  }
}

/** Writes the plan. A file created since planning is never overwritten ('wx'). */
export function applyInit(writes: Planned['writes']): void {
  for (const write of writes) writeFileSync(write.path, write.text, { flag: write.create ? 'wx' : 'w' })
}
