import { describeExampleApp } from '../../example-app-suite.ts'

describeExampleApp('fastify-app')
