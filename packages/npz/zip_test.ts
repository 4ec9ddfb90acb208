// The ZIP records past zipfile's limits, which the fixtures cannot reach
// without gigabytes of data: ZIP64 fields for members over 4 GiB, offsets
// past 2 GiB and more than 65 535 members round trip through the parser.

import assert from "node:assert/strict";
import {
  centralEntry,
  endRecords,
  findEnd,
  localHeader,
  parseCentral,
  parseEnd,
  parseLocator,
  parseZip64End,
  type WrittenEntry,
} from "./_zip.ts";

function entry(size: number, compressedSize: number, localOffset: number): WrittenEntry {
  return {
    nameBytes: new TextEncoder().encode("big.npy"),
    flags: 0,
    method: 8,
    crc: 0x12345678,
    size,
    compressedSize,
    localOffset,
  };
}

Deno.test("zip: central entries carry ZIP64 sizes and offsets past the limits", () => {
  for (
    const [size, compressed, offset] of [
      [5 * 2 ** 30, 3 * 2 ** 30, 7 * 2 ** 30],
      [100, 50, 3 * 2 ** 31],
      [2 ** 33, 10, 0],
      [10, 10, 10],
    ]
  ) {
    const bytes = centralEntry(entry(size!, compressed!, offset!));
    const [parsed] = parseCentral(bytes, 0, 1);
    assert.equal(parsed!.size, size);
    assert.equal(parsed!.compressedSize, compressed);
    assert.equal(parsed!.localOffset, offset);
    assert.equal(parsed!.crc, 0x12345678);
  }
});

Deno.test("zip: end records go ZIP64 past 65 534 members or 2 GiB, as zipfile's", () => {
  for (
    const [count, offset, size, zip64] of [
      [3, 1000, 200, false],
      [70_000, 1000, 70_000 * 50, true],
      [2, 5 * 2 ** 30, 100, true],
    ] as const
  ) {
    const tail = endRecords(count, offset, size);
    const end = findEnd(tail, 0);
    assert.equal(end, tail.length - 22);
    let record = parseEnd(tail, end, end);
    const locator = parseLocator(tail, end - 20);
    assert.equal(locator !== null, zip64);
    if (locator !== null) record = parseZip64End(tail, end - 76, end - 76, record);
    assert.deepEqual([record.entries, record.centralOffset, record.centralSize], [
      count,
      offset,
      size,
    ]);
  }
});

Deno.test("zip: local headers are force_zip64 and pad stored data to the alignment", () => {
  for (const offset of [0, 1, 63, 1000]) {
    const header = localHeader(entry(100, 100, offset), 64);
    assert.equal((offset + header.length) % 64, 0);
    const view = new DataView(header.buffer);
    assert.equal(view.getUint32(18, true), 0xffffffff);
    assert.equal(view.getUint32(22, true), 0xffffffff);
    assert.equal(view.getUint16(30 + 7, true), 1); // the ZIP64 extra comes first
  }
  assert.equal(localHeader(entry(100, 100, 5), 1).length, 30 + 7 + 20);
});
