/** Error codes of the `kit` CLI; spread into @kit/core's src/errors.ts. */
export const cliErrors = {
  KIT_CLI_FILE_EXISTS: {
    when: 'A kit command would overwrite a file that already exists (for example `kit env example` and .env.example).',
    fix: 'Pass --force to overwrite it, or --output to write somewhere else.',
  },
} as const
