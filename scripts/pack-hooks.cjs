// pnpm hooks. beforePacking (pnpm >= 10.28) edits the package.json that goes
// into a tarball (`pnpm pack`, `pnpm publish`, `pnpm pack:all`), never the one
// on disk: the `@kit/source` export condition points at src/*.ts, which the
// tarball does not ship, so it is removed there, as are src/ entries of
// `sideEffects` (docs/internals/module-loading.md).

/** `exports` without the `@kit/source` condition, at any depth. */
function withoutSourceCondition(exports) {
  if (exports === null || typeof exports !== 'object') return exports
  if (Array.isArray(exports)) return exports.map(withoutSourceCondition)
  const out = {}
  for (const [key, value] of Object.entries(exports)) {
    if (key === '@kit/source') continue
    out[key] = withoutSourceCondition(value)
  }
  return out
}

module.exports = {
  hooks: {
    beforePacking(pkg) {
      if (pkg.exports) pkg.exports = withoutSourceCondition(pkg.exports)
      if (Array.isArray(pkg.sideEffects))
        pkg.sideEffects = pkg.sideEffects.filter((path) => !path.startsWith('./src/'))
      return pkg
    },
  },
}
