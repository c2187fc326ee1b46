import { describeCapture } from './helpers/capture-suite.ts'

describeCapture('express')
