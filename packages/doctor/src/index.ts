export { errors } from './errors.ts'
export * from './observatory/index.ts'
