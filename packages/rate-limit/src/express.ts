/**
 * Express adapter: `app.use(rateLimits(limits))` in the pipeline,
 * `limit(limits, 'auth')` on a route, `app.use(bruteForce(limits))` after the
 * body parsers.
 */
export { bruteForce, limit, rateLimits } from './express/middleware.ts'
