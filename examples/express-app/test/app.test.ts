import { describeExampleApp } from '../../example-app-suite.ts'

describeExampleApp('express-app')
