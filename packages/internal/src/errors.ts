export const errors = {
  KIT_INTERNAL_MISSING_DEPENDENCY: {
    when: 'A feature was turned on that needs an optional package which is not installed.',
    fix: 'Install the package the message names (for example `pnpm add ioredis`) in your app.',
  },
} as const
