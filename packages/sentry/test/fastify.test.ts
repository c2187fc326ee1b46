import { describeCapture } from './helpers/capture-suite.ts'
import { describeDelivery } from './helpers/delivery-suite.ts'

describeCapture('fastify')
describeDelivery('fastify')
