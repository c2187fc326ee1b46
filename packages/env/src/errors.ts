export const errors = {
  KIT_ENV_INVALID: {
    when: 'One or more environment variables are missing or invalid. The message lists each one with what was expected and how to fix it; `error.details` has the same list as { name, problem, fix } objects. Secret values are never included.',
    fix: 'Fix every variable the message lists (run `npx kit env check` to see the whole environment with secrets masked), then start again.',
  },
  KIT_ENV_DOTENV_UNREADABLE: {
    when: 'A .env or .env.local file exists in development but could not be read (permissions, or it is a directory).',
    fix: 'Make the file readable by the user running the app, or remove it.',
  },
} as const
