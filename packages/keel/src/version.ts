/** The version of this Keel build (kept in step with package.json by a test). */
export const KEEL_VERSION = '0.1.0'
