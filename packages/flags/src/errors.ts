export const errors = {
  KIT_FLAGS_INVALID_DEFINITION: {
    when: 'A flag definition (kit.config `flags`) is malformed: a default that is not a boolean, string or number, variants of another type or without the default, a name with unsupported characters, or an unknown key.',
    fix: 'Define each flag as `{ default, description?, variants? }`; names start with a letter and use letters, digits, `_`, `-` or `.`.',
  },
  KIT_FLAGS_UNKNOWN_FLAG: {
    when: 'Code, the CLI or an OpenFeature client asked for a flag that is not defined.',
    fix: 'Define the flag in kit.config `flags`, or correct the name (the message suggests the closest one).',
  },
  KIT_FLAGS_INVALID_JSON: {
    when: 'flags.json, FEATURE_FLAGS or a FLAG_* variable holding an object is not valid JSON, or not a JSON object.',
    fix: 'Correct the JSON at the line and column the message gives (double-quoted names and strings, no trailing commas).',
  },
  KIT_FLAGS_INVALID_VALUE: {
    when: 'A flag value or targeting setting has the wrong type or is out of range: a string for a boolean flag, a value outside its variants, a rollout outside 0–100, negative weights, an unreadable rule.',
    fix: 'Use a value of the flag’s type (`kit flags list` shows it) and the formats in docs/feature-flags.md.',
  },
  KIT_FLAGS_INVALID_OPTION: {
    when: 'An option of createFlags() has the wrong type or is out of range, or is not an option at all (usually a misspelling).',
    fix: 'Correct the option the message names; `FlagsOptions` documents each one with its default.',
  },
  KIT_FLAGS_FILE_NOT_FOUND: {
    when: 'The `file` option names a flags file that does not exist.',
    fix: 'Create the file, correct the path (relative to the app root), or remove the option to use the optional flags.json.',
  },
  KIT_FLAGS_NO_DATABASE: {
    when: 'A flag was changed at run time (set, rollout, weights, target, reset) without a database to store it.',
    fix: 'Set DATABASE_URL (kit passes its database to the flags), or pass `knex` in the context of createFlags().',
  },
  KIT_FLAGS_NOT_CALLED: {
    when: 'The Express adapter was passed to `app.use()` without being called (`app.use(flagsMiddleware)`).',
    fix: 'Call it with the flags: `app.use(flagsMiddleware(flags))`.',
  },
} as const
