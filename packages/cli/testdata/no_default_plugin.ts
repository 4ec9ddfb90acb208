// A test module without a default export.
export const plugin = {};
