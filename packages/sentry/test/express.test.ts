import { describeCapture } from './helpers/capture-suite.ts'
import { describeDelivery } from './helpers/delivery-suite.ts'

describeCapture('express')
describeDelivery('express')
