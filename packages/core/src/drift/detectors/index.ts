export type { ChangeDetector, WarningChangeDetector } from './detector.js'
export { createAdwin, type Adwin, type AdwinOptions } from './adwin.js'
export { createPageHinkley, type PageHinkleyMode, type PageHinkleyOptions } from './page-hinkley.js'
export { createDdm, type DdmOptions } from './ddm.js'
