/**
 * @ndio/npz: NumPy's .npz archives. Work in progress: this package exports nothing yet.
 *
 * @module
 */

export {};
