/**
 * @ndio/pickle: pickles of NumPy data, loaded safely. Work in progress: this package exports nothing yet.
 *
 * @module
 */

export {};
