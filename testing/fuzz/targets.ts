/**
 * The fuzz targets: every decoder ndio has, each with the corpus it starts
 * from and the tokens of its input language. A target's `run` returns how
 * many bytes of output it produced, which the fuzzer checks against a budget
 * proportional to the input (decoders may not allocate from what the input
 * claims, only from what it holds). Not published.
 *
 * @module
 */

import { bytesSource, DType, indexLayout, type NDArray, parseIndex } from "@ndio/core";
import { decodeNpy, decodeNpyStream, parseNpyHeader, readNpyBlocks, readNpyIndex } from "@ndio/npy";
import { genfromtxt, loadtxt, loadtxtBlocks } from "@ndio/text";
import { loadtxtFile } from "@ndio/text/fs";
import { decodeNpz, loadNpz } from "@ndio/npz";
import { loads, type LoadsOptions, pickleCodec, scan } from "@ndio/pickle";
import { main } from "@ndio/cli";

/** One fuzz target. */
export interface FuzzTarget {
  /** The name used on the command line and in crasher paths. */
  readonly name: string;
  /** What it exercises. */
  readonly description: string;
  /** The seed inputs (read in the driver, which has file access). */
  corpus(): Promise<Uint8Array[]>;
  /** Tokens of the input language, inserted by the `token` mutation. */
  readonly dictionary?: readonly string[];
  /** Offsets of binary length fields in the corpus files. */
  readonly lengthFields?: readonly number[];
  /**
   * How many output bytes an input byte may become (default 16): more for
   * deflate, which legitimately inflates up to 1032 times.
   */
  readonly outputFactor?: number;
  /**
   * Runs the decoder on one input. Resolves to the bytes of output
   * produced; throws what the decoder throws.
   */
  run(input: Uint8Array): number | Promise<number>;
}

const ROOT = new URL("../../", import.meta.url);
const latin1 = new TextDecoder("latin1");
const encoder = new TextEncoder();

async function readDir(dir: string, suffix: string): Promise<Uint8Array[]> {
  const url = new URL(dir, ROOT);
  const names: string[] = [];
  for await (const entry of Deno.readDir(url)) {
    if (entry.isFile && entry.name.endsWith(suffix)) names.push(entry.name);
  }
  names.sort();
  return await Promise.all(names.map((name) => Deno.readFile(new URL(name, url + "/"))));
}

function strings(items: readonly string[]): Uint8Array[] {
  return items.map((s) => encoder.encode(s));
}

function nbytes(array: NDArray): number {
  return array.size * array.dtype.itemsize;
}

// Strings sized by the longest field ("U" without a size) grow with the
// square of the input, as in NumPy; count their elements instead.
function textBytes(array: NDArray): number {
  const kind = array.dtype.kind;
  return kind === "U" || kind === "S" ? array.size * 8 : nbytes(array);
}

/**
 * Reads every element, as a consumer would, unless the nested lists alone
 * would be huge: an empty array of shape (10**9, 0) costs nothing to decode
 * but a billion lists to print (NumPy's tolist runs out of memory too).
 */
function touch(array: NDArray): void {
  let lists = 0, product = 1;
  for (const n of array.shape.slice(0, -1)) lists += product *= n;
  if (lists <= 1e6 || array.shape.some((n) => n > 2 ** 32 - 1)) array.toNested();
}

async function npyCorpus(): Promise<Uint8Array[]> {
  return [
    ...await readDir("packages/npy/testdata/golden/", ".npy"),
    ...await readDir("packages/npy/testdata/bad/", ".npy"),
  ];
}

const NPY_DICTIONARY = [
  "{'descr': ",
  "'fortran_order': True, ",
  "'fortran_order': False, ",
  "'shape': (",
  "), }",
  ",)",
  "()",
  "'<f8'",
  "'>i4'",
  "'|O'",
  "'<U0'",
  "'|V0'",
  "'<M8[as]'",
  "[('a', '<i4', (2, 3)), ('b', '|S3')]",
  "[(('title', 'a'), '<f4')]",
  "(((((((((",
  "\\x00",
  "\\u1234",
  "0x10",
  "1e3",
  "True",
  "None",
  "\n",
  "                ",
];

async function textCorpus(): Promise<Uint8Array[]> {
  const files = await readDir("packages/text/testdata/savetxt/", ".txt");
  const cases = JSON.parse(
    await Deno.readTextFile(new URL("packages/text/testdata/loadtxt_cases.json", ROOT)),
  ) as { text: string }[];
  return [...files, ...strings(cases.map((c) => c.text))];
}

const TEXT_DICTIONARY = [
  "# shape: (2, 3, 4)\n",
  "# Original shape: (0, 5)\n",
  "# shape: (99999999999, 99999999999)\n",
  "\t",
  ",",
  ";",
  "\r\n",
  "\n",
  '"',
  '""',
  "#",
  "nan",
  "-inf",
  "1e-400",
  "0x1p3",
  "(1+2j)",
  "1+2j",
  "True",
  "é",
  "\xff\xfe",
  "  ",
];

/** Option sets that steer the text readers down different paths. */
const LOADTXT_OPTIONS = [
  {},
  { delimiter: "," },
  { delimiter: "\t", dtype: "<f4" },
  { delimiter: ",", quotechar: '"', dtype: "U" },
  { dtype: "<c16" },
  { dtype: [["a", "<i8"], ["b", "<f8"]], delimiter: "," },
  { dtype: "|S", usecols: [0, -1], ndmin: 2 },
  { dtype: "?", encoding: "latin1" },
] as const;

const GENFROMTXT_OPTIONS = [
  {},
  { delimiter: "," },
  { delimiter: ",", names: true, dtype: null },
  { delimiter: [2, 3, 4] },
  { delimiter: ",", invalidRaise: false, missingValues: ["N/A", ""] },
  { skipHeader: 1, skipFooter: 1, autostrip: true },
] as const;

const INDEX_CORPUS = [
  "2:6, 4, 3:4",
  "1, 1:, ::-2",
  "...",
  "..., None",
  "None, ..., 0",
  "::-1",
  "-1",
  "1:-1:2, np.newaxis",
  ":, :, :",
  "0, 0, 0",
  "(1, 2)",
  "[1]",
  "  3 : : -1 ",
  "",
  "()",
  ",",
];

const DTYPE_CORPUS = [
  "<f8",
  ">i4",
  "|u1",
  "|b1",
  "<c16",
  ">f2",
  "<f16",
  "|S5",
  "<U3",
  "|V7",
  "|O",
  "<M8[10ms]",
  ">m8[D]",
  "<M8",
  "float64",
  "int8",
  "complex64",
  "datetime64[ns]",
  '[["a", "<i4"], ["b", "|S2", [2]]]',
  '[["x", ">f8", [2, 3]], ["", "|V4"]]',
  '[[["title", "t"], "<u2"]]',
  '[["n", [["a", "<i2"], ["b", "<f4"]]]]',
];

async function npzCorpus(): Promise<Uint8Array[]> {
  return [
    ...await readDir("packages/npz/testdata/good/", ".npz"),
    ...await readDir("packages/npz/testdata/bad/", ".npz"),
  ];
}

const NPZ_DICTIONARY = [
  "PK\x03\x04",
  "PK\x01\x02",
  "PK\x05\x06",
  "PK\x06\x06",
  "PK\x06\x07",
  "PK\x07\x08",
  "arr_0.npy",
  "\xff\xff\xff\xff",
  "\x00\x00\x00\x00",
];

/** The members of an archive, every array read: output bytes. */
function memberBytes(members: Iterable<unknown>): number {
  let out = 0;
  for (const value of members) {
    if (value instanceof Uint8Array) out += value.length;
    else {
      const array = value as NDArray;
      out += nbytes(array);
      touch(array);
    }
  }
  return out;
}

async function pickleCorpus(): Promise<Uint8Array[]> {
  return [
    ...await readDir("packages/pickle/testdata/", ".pkl"),
    ...await readDir("packages/pickle/testdata/malicious/", ".pkl"),
  ];
}

const PICKLE_DICTIONARY = [
  "\x80\x02",
  "\x80\x04\x95",
  "\x80\x05",
  "cnumpy.core.multiarray\n_reconstruct\n",
  "cnumpy\nndarray\n",
  "cnumpy\ndtype\n",
  "cbuiltins\neval\n",
  "\x8c\x05numpy",
  "\x93",
  "R",
  "b",
  "(",
  "t",
  ".",
  "}",
  "]",
  "e",
  "h\x00",
  "q\x00",
  "J\xff\xff\xff\x7f",
  "\x8a\x08\xff\xff\xff\xff\xff\xff\xff\x7f",
  "C\x08",
  "\x8e\xff\xff\xff\xff\x00\x00\x00\x00",
];

/** Tight limits for one input in two: each must stop the machine with a LimitError. */
const TIGHT_PICKLE_LIMITS: LoadsOptions = {
  maxMemo: 100,
  maxStack: 100,
  maxNesting: 20,
  maxAllocation: 1 << 16,
  maxOpcodes: 10_000,
};

/**
 * Counts what a pickle made: arrays by their bytes, the rest by their nodes,
 * each object once (pickles build shared and cyclic graphs).
 */
function valueBytes(root: unknown): number {
  const seen = new Set<unknown>();
  const stack = [root];
  let out = 0;
  while (stack.length > 0) {
    const value = stack.pop();
    if (value === null || typeof value !== "object") {
      out += 8;
      continue;
    }
    if (seen.has(value)) continue;
    seen.add(value);
    if (value instanceof Uint8Array) out += value.length;
    else if ("dtype" in value && "shape" in value) {
      const array = value as NDArray;
      touch(array);
      out += nbytes(array);
    } else if (Array.isArray(value)) {
      out += 8 * value.length;
      for (const item of value) stack.push(item);
    } else if (value instanceof Map) {
      out += 16 * value.size;
      for (const [k, v] of value) stack.push(k, v);
    } else out += 8;
  }
  return out;
}

/** The fuzz targets, by name. */
export const TARGETS: readonly FuzzTarget[] = [
  {
    name: "npy-header",
    description: "parseNpyHeader: magic, version, header length, the header literal, limits",
    corpus: npyCorpus,
    dictionary: NPY_DICTIONARY,
    lengthFields: [6, 8],
    run(input) {
      parseNpyHeader(input);
      return 0;
    },
  },
  {
    name: "npy-decode",
    description: "decodeNpy and decodeNpyStream: header, data length, views; copy mode",
    corpus: npyCorpus,
    dictionary: NPY_DICTIONARY,
    lengthFields: [6, 8],
    run(input) {
      let out = 0;
      try {
        const array = decodeNpy(input, { copy: true });
        out += nbytes(array);
        touch(array);
      } finally {
        // The stream reader must keep the rules on any input, good or bad.
        for (const array of decodeNpyStream(input)) touch(array);
      }
      return out;
    },
  },
  {
    name: "npy-index",
    description: "readNpyIndex: header from a byte source, index layout, coalesced reads",
    corpus: npyCorpus,
    dictionary: NPY_DICTIONARY,
    lengthFields: [6, 8],
    async run(input) {
      let out = 0;
      for (const index of ["...", "::-1", "0", "1:, ::2, None", "-1, ..., 1:3"]) {
        try {
          out += nbytes(await readNpyIndex(bytesSource(input), index, { maxGap: 8 }));
        } catch (error) {
          // An index that does not fit the array is a typed error too: go on.
          if ((error as { code?: string }).code?.startsWith("index-") !== true) throw error;
        }
      }
      return out;
    },
  },
  {
    name: "npy-blocks",
    description: "readNpyBlocks: header from a byte source, data length, blocks of rows",
    corpus: npyCorpus,
    dictionary: NPY_DICTIONARY,
    lengthFields: [6, 8],
    async run(input) {
      let out = 0;
      for await (const block of readNpyBlocks(bytesSource(input), { blockBytes: 24 })) {
        out += nbytes(block);
      }
      return out;
    },
  },
  {
    name: "text-loadtxt",
    description: "loadtxt: tokenizer, number parsers, dtypes, quotes, shape headers, limits",
    corpus: textCorpus,
    dictionary: TEXT_DICTIONARY,
    run(input) {
      const options = LOADTXT_OPTIONS[input.length % LOADTXT_OPTIONS.length]!;
      return textBytes(loadtxt(input, options as never));
    },
  },
  {
    name: "text-blocks",
    description: "loadtxtBlocks: blocks cut at line breaks, dtype and columns kept across blocks",
    corpus: textCorpus,
    dictionary: TEXT_DICTIONARY,
    async run(input) {
      const options = LOADTXT_OPTIONS[input.length % LOADTXT_OPTIONS.length]!;
      // Quotes and ndmin are refused by loadtxtBlocks (tested there): leave them out.
      if ("quotechar" in options) return 0;
      const { ndmin: _, ...blockOptions } = options as { ndmin?: number };
      let out = 0;
      const stream = new Blob([input.slice(0, 5), input.slice(5)]).stream();
      for await (
        const block of loadtxtBlocks(stream, { ...blockOptions, blockBytes: 7 } as never)
      ) {
        out += textBytes(block);
      }
      return out;
    },
  },
  {
    name: "text-file",
    description: "loadtxtFile: the file read in pieces through one growing buffer",
    corpus: textCorpus,
    dictionary: TEXT_DICTIONARY,
    async run(input) {
      const options = LOADTXT_OPTIONS[input.length % LOADTXT_OPTIONS.length]!;
      const path = await Deno.makeTempFile({ prefix: "ndio_fuzz_text_" });
      try {
        await Deno.writeFile(path, input);
        return textBytes(await loadtxtFile(path, { ...options, hugePages: false } as never));
      } finally {
        await Deno.remove(path);
      }
    },
  },
  {
    name: "text-genfromtxt",
    description: "genfromtxt: missing values, names, fixed widths, invalid rows",
    corpus: textCorpus,
    dictionary: [...TEXT_DICTIONARY, "N/A", ",,", "a,b,c\n"],
    run(input) {
      const options = GENFROMTXT_OPTIONS[input.length % GENFROMTXT_OPTIONS.length]!;
      return textBytes(genfromtxt(input, options as never));
    },
  },
  {
    name: "npz-decode",
    description: "decodeNpz: zip directory, ZIP64, local headers, inflate, CRC, members as npy",
    corpus: npzCorpus,
    dictionary: [...NPZ_DICTIONARY, ...NPY_DICTIONARY],
    outputFactor: 1100,
    run(input) {
      return memberBytes(decodeNpz(input).values());
    },
  },
  {
    name: "npz-load",
    description: "loadNpz through a byte source (the lazy reader), every member read",
    corpus: npzCorpus,
    dictionary: [...NPZ_DICTIONARY, ...NPY_DICTIONARY],
    outputFactor: 1100,
    async run(input) {
      using npz = await loadNpz(bytesSource(input));
      const members = [];
      for (const name of npz.files) members.push(await npz.array(name));
      return memberBytes(members);
    },
  },
  {
    name: "npz-blocks",
    description:
      "NpzFile.blocks over a byte source: 40-byte blocks from 7-byte reads, every .npy member",
    corpus: npzCorpus,
    dictionary: [...NPZ_DICTIONARY, ...NPY_DICTIONARY],
    outputFactor: 1100,
    async run(input) {
      using npz = await loadNpz(bytesSource(input));
      const blocks = [];
      for (const name of npz.names) {
        if (!name.endsWith(".npy")) continue;
        for await (const block of npz.blocks(name, { blockBytes: 40, readBytes: 7 })) {
          blocks.push(block);
        }
      }
      return memberBytes(blocks);
    },
  },
  {
    name: "pickle-loads",
    description: "the pickle machine: every opcode, the allowlist, numpy reconstruction, limits",
    corpus: pickleCorpus,
    dictionary: PICKLE_DICTIONARY,
    run(input) {
      const options = input.length % 2 === 0 ? TIGHT_PICKLE_LIMITS : { inert: true };
      return valueBytes(loads(input, options));
    },
  },
  {
    name: "pickle-scan",
    description: "scan: the pickle audited without being loaded",
    corpus: pickleCorpus,
    dictionary: PICKLE_DICTIONARY,
    run(input) {
      scan(input);
      return 0;
    },
  },
  {
    name: "npy-object",
    description: "decodeNpy of object arrays through the pickle codec (allowPickle)",
    corpus: async () => [
      await Deno.readFile(new URL("packages/npy/testdata/object.npy", ROOT)),
      ...(await npyCorpus()).slice(0, 20),
    ],
    dictionary: [...NPY_DICTIONARY, ...PICKLE_DICTIONARY],
    lengthFields: [6, 8],
    run(input) {
      const array = decodeNpy(input, { allowPickle: true, pickle: pickleCodec });
      touch(array);
      return array.dtype.kind === "O" ? array.size * 8 : nbytes(array);
    },
  },
  {
    name: "core-index",
    description: "parseIndex and indexLayout on several shapes",
    corpus: () => Promise.resolve(strings(INDEX_CORPUS)),
    dictionary: ["...", "None", "np.newaxis", ":", "::", ",", "-", "(", ")", " ", "0x1", "1e3"],
    run(input) {
      const items = parseIndex(latin1.decode(input));
      for (const shape of [[4, 5, 6], [0, 3], [], [1]]) {
        try {
          indexLayout(shape, shape.map(() => 8), items);
        } catch (error) {
          if ((error as { code?: string }).code?.startsWith("index-") !== true) throw error;
        }
      }
      return 0;
    },
  },
  {
    name: "core-dtype",
    description: "DType.parse of type strings and (JSON) descr lists; str/descr round trip",
    corpus: () => Promise.resolve(strings(DTYPE_CORPUS)),
    dictionary: ["<", ">", "|", "=", "[", "]", "M8[", "us]", '"', ", ", "[2]", "[0]", "U", "S"],
    run(input) {
      const text = latin1.decode(input);
      let descr: unknown = text;
      if (text.startsWith("[")) {
        try {
          descr = JSON.parse(text);
        } catch {
          return 0; // Not JSON: not a descr list to test.
        }
      }
      const dtype = DType.parse(descr as never);
      // What parses must print and parse back to the same dtype.
      const again = DType.parse(dtype.descr);
      if (again.descrRepr() !== dtype.descrRepr()) {
        throw new Error(`descr round trip changed ${dtype.descrRepr()} to ${again.descrRepr()}`);
      }
      return 0;
    },
  },
  {
    name: "cli-convert",
    description: "ndio convert IN OUT on damaged .npy and text: exit code, no output on failure",
    corpus: async () => [...(await npyCorpus()).slice(0, 60), ...(await textCorpus()).slice(0, 30)],
    dictionary: [...NPY_DICTIONARY, ...TEXT_DICTIONARY],
    lengthFields: [6, 8],
    async run(input) {
      const dir = await Deno.makeTempDir({ prefix: "ndio_fuzz_cli_" });
      try {
        const npy = input[0] === 0x93;
        const from = `${dir}/in.${npy ? "npy" : "txt"}`;
        const to = `${dir}/out.${npy ? "txt" : "npy"}`;
        await Deno.writeFile(from, input);
        let err = "";
        const code = await main(["convert", from, to], {
          stdout: { write: () => {} },
          stderr: { write: (text) => (err += text) },
        });
        const left = [];
        for await (const entry of Deno.readDir(dir)) left.push(entry.name);
        left.sort();
        if (code !== 0) {
          // A bug surfaces as "ndio: TypeError: ..." (the CLI names unexpected errors).
          const unexpected = /^ndio: .*\b(TypeError|RangeError|ReferenceError|Error): /m.exec(err);
          if (unexpected !== null) throw new Error(`convert crashed: ${err.trim()}`);
          if (left.join() !== "in." + (npy ? "npy" : "txt")) {
            throw new Error(`convert failed (${code}) but left ${left.join(", ")}: ${err.trim()}`);
          }
          throw new FailedConversion(err.trim());
        }
        if (left.length !== 2) throw new Error(`convert succeeded but left ${left.join(", ")}`);
        return (await Deno.stat(to)).size;
      } finally {
        await Deno.remove(dir, { recursive: true });
      }
    },
  },
];

/** A failed conversion that reported itself properly: the CLI's typed error. */
export class FailedConversion extends Error {
  /** Marks it as an expected outcome for the fuzzer. */
  readonly expected = true;
}

/** Targets that break the rules on purpose, to test the fuzzer itself. */
export const SELF_TEST_TARGETS: readonly FuzzTarget[] = [
  {
    name: "self-test-hang",
    description: "loops forever",
    corpus: () => Promise.resolve([new Uint8Array(1)]),
    run() {
      for (;;) { /* a decoder stuck in a loop */ }
    },
  },
  {
    name: "self-test-crash",
    description: "throws a plain TypeError",
    corpus: () => Promise.resolve([new Uint8Array(1)]),
    run() {
      throw new TypeError("not an ndio error");
    },
  },
];

/** The target named `name`, or undefined. */
export function findTarget(name: string): FuzzTarget | undefined {
  return [...TARGETS, ...SELF_TEST_TARGETS].find((t) => t.name === name);
}
