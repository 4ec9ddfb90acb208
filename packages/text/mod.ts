/**
 * @ndio/text: delimited text as np.savetxt / np.loadtxt write and read it. Work in progress: this package exports nothing yet.
 *
 * @module
 */

export {};
