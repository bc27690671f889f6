/**
 * Datasets that ship with examples, in the style of `sklearn.datasets`: where the data is and how
 * its raw rows are prepared. The data itself comes from an npm package the example depends on, never
 * from `keel`'s own dependencies.
 *
 * @module
 */
export {
  FLIGHTS_PACKAGE,
  flightsDataPath,
  prepareFlights,
  flightLabelTime,
  flightsLabelArrival,
  type ModuleResolver,
} from './flights.js'
