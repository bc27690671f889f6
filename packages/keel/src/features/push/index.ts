/** Pushed feature values: checked, logged offline, written online; and read back from the log. */
export {
  pushFeatures,
  pushedRowsReader,
  withPushedRows,
  type PushOptions,
  type PushSummary,
} from './push-features.js'
export { validatePushRows, parsePushTime, checkPushView } from './validate-push.js'
