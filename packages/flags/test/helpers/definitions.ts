/** The flags most tests use: a boolean, a string A/B flag and a number. */
export const DEFINITIONS = {
  newCheckout: { default: false, description: 'The new checkout flow' },
  checkoutCopy: { default: 'a', variants: ['a', 'b', 'c'] },
  maxItems: { default: 10 },
} as const
