/** The category for infrequent and unseen values in encoders that keep a bucket for them. */
export const UNKNOWN_CATEGORY = '__UNKNOWN__'

/** The category (or indicator suffix) that stands for a missing value where one is needed. */
export const MISSING_CATEGORY = '__MISSING__'
