/**
 * @ndio/npy: NumPy's .npy format. Work in progress: this package exports nothing yet.
 *
 * @module
 */

export {};
