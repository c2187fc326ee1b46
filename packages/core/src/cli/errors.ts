/** Error codes of the `kit` CLI; spread into @kit/core's src/errors.ts. */
export const cliErrors = {
  KIT_CLI_FILE_EXISTS: {
    when: 'A kit command would overwrite a file that already exists (for example `kit env example` and .env.example).',
    fix: 'Pass --force to overwrite it, or --output to write somewhere else.',
  },
  KIT_CLI_INIT_NO_APP: {
    when: '`kit init` found no package.json, or one that lists neither express nor fastify.',
    fix: "Run kit init in the app's folder (or pass --cwd <folder>); kit init moves an existing Express 5 or Fastify 5 app.",
  },
  KIT_CLI_INIT_NO_ENTRY: {
    when: '`kit init` could not find the file that creates and starts the app (package.json main, scripts.start, server.js, app.js, index.js, src/...).',
    fix: 'Pass it with --entry <file>, relative to the app folder.',
  },
  KIT_CLI_INIT_PARSE_FAILED: {
    when: '`kit init` could not parse the entry file as JavaScript or TypeScript.',
    fix: 'Fix the syntax error it names, or pass the right file with --entry <file>.',
  },
} as const
