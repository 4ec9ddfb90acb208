// A test plugin module whose plugin lacks a sniff function.
export default [{
  id: "broken",
  label: "Broken",
  extensions: [".broken"],
  mediaTypes: [],
  content: "array",
  decode: () => ({ kind: "array" }),
}];
