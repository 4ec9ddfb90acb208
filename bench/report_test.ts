// Tests of the harness's pure parts: statistics, the plan, target
// evaluation, the Markdown report and its splicing, and the SVG chart.
// Nothing here times anything.

import assert from "node:assert/strict";
import { maxOf, median, speedRatio, summarize, throughput } from "./_stats.ts";
import {
  cliFor,
  datasets,
  formatSize,
  KEEP_FREED_TUNABLES,
  OPS,
  opsFor,
  SEED,
  tunablesFor,
  variantsFor,
} from "./_plan.ts";
import type { CaseResult, RunResults, SideResult } from "./_results.ts";
import { evaluateTargets, TARGETS } from "./_targets.ts";
import {
  BEGIN_MARKER,
  END_MARKER,
  formatMs,
  formatRatio,
  markdownTable,
  renderReport,
  spliceReport,
} from "./_report.ts";
import { mergeResults } from "./_merge.ts";
import { missReasons } from "./_reasons.ts";
import {
  chartPanels,
  decades,
  escapeXml,
  logScale,
  rateLabel,
  renderChart,
  sizeLabel,
} from "./_chart.ts";

Deno.test("median: odd, even, unsorted, empty", () => {
  assert.equal(median([3, 1, 2]), 2);
  assert.equal(median([4, 1, 3, 2]), 2.5);
  assert.equal(median([10]), 10);
  assert.ok(Number.isNaN(median([])));
});

Deno.test("summarize keeps the samples in order and gives median, min and max", () => {
  const s = summarize([5, 1, 9, 3]);
  assert.deepEqual(s.samples, [5, 1, 9, 3]);
  assert.equal(s.median, 4);
  assert.equal(s.min, 1);
  assert.equal(s.max, 9);
  assert.ok(Number.isNaN(summarize([]).median));
});

Deno.test("speedRatio is NumPy time / ndio time, NaN without both", () => {
  assert.equal(speedRatio(30, 10), 3);
  assert.equal(speedRatio(10, 40), 0.25);
  assert.ok(Number.isNaN(speedRatio(10, 0)));
  assert.ok(Number.isNaN(speedRatio(NaN, 1)));
});

Deno.test("throughput and maxOf", () => {
  assert.equal(throughput(8e6, 2), 4e9);
  assert.ok(Number.isNaN(throughput(1, 0)));
  assert.equal(maxOf([1, null, 7, undefined, 3]), 7);
  assert.equal(maxOf([null, undefined]), null);
});

Deno.test("plan: quick stays at 8 MB and under; full reaches 800 MB; smallest first", () => {
  const quick = datasets("quick");
  assert.ok(quick.every((d) => d.nbytes <= 8e6));
  assert.ok(quick.some((d) => d.id === "seed"));
  const full = datasets("full");
  assert.equal(Math.max(...full.map((d) => d.nbytes)), 800e6);
  assert.equal(Math.min(...full.map((d) => d.nbytes)), 1024);
  for (let i = 1; i < full.length; i++) assert.ok(full[i - 1]!.nbytes <= full[i]!.nbytes);
  for (const d of full) {
    assert.equal(d.shape.reduce((a, b) => a * b, 1) * 8, d.nbytes, d.id);
  }
  assert.deepEqual(SEED.shape, [100, 100, 100]);
});

Deno.test("plan: text runs on int64 (the seed too) and small float64; binary ops not on i8", () => {
  const ids = (id: string, mode: "quick" | "full" = "full") =>
    opsFor(datasets(mode).find((d) => d.id === id)!, mode).map((o) => o.id);
  assert.ok(ids("seed").includes("text.loadtxt_int"));
  assert.ok(ids("seed").includes("npy.load"));
  assert.ok(!ids("seed").includes("text.loadtxt_float"));
  assert.ok(!ids("i8-10240").includes("npy.load"));
  assert.ok(ids("f8-1000000").includes("text.savetxt_float"));
  assert.ok(!ids("f8-100000000").includes("text.savetxt_float"));
  assert.ok(ids("f8-100000000").includes("npz.save_compressed"));
  // Every target names a case the full plan runs.
  const cases = new Set(
    datasets("full").flatMap((d) =>
      opsFor(d, "full").flatMap((o) => o.variants.map((v) => `${v.id} ${d.id}`))
    ),
  );
  for (const t of TARGETS) assert.ok(cases.has(`${t.variant} ${t.dataset}`), t.id);
  assert.deepEqual(
    cliFor(SEED, "quick").map((c) => c.id).slice(0, 2),
    ["cli.startup", "cli.npy_to_tsv"],
  );
  assert.equal(new Set(OPS.map((o) => o.id)).size, OPS.length);
});

Deno.test("plan: the huge-page variants run in full mode from 5 MB up, in their own process", () => {
  const op = OPS.find((o) => o.id === "npz.load_stored")!;
  const at = (id: string, mode: "quick" | "full") =>
    variantsFor(op, datasets(mode).find((d) => d.id === id)!, mode).map((v) => v.worker);
  assert.deepEqual(at("seed", "full"), ["ndio", "ndio-hugetlb"]);
  assert.deepEqual(
    variantsFor(op, SEED, "full").map((v) => v.numpyWorker ?? "numpy"),
    ["numpy", "numpy-hugetlb"],
  );
  const load = OPS.find((o) => o.id === "npy.load")!;
  const kept = (id: string) =>
    variantsFor(load, datasets("full").find((d) => d.id === id)!, "full").map((v) => v.worker);
  assert.deepEqual(kept("f8-102400"), ["ndio", "ndio-keep"]);
  assert.deepEqual(kept("f8-1024"), ["ndio"]);
  assert.deepEqual(kept("f8-1000000"), ["ndio", "ndio"]);
  assert.equal(tunablesFor("numpy-keep"), KEEP_FREED_TUNABLES);
  assert.equal(tunablesFor("ndio-hugetlb"), "glibc.malloc.hugetlb=1");
  assert.equal(tunablesFor("ndio"), undefined);
  assert.deepEqual(at("seed", "quick"), ["ndio"]);
  assert.deepEqual(at("f8-102400", "full"), ["ndio"]);
  const ids = OPS.flatMap((o) => o.variants.map((v) => v.id));
  assert.equal(new Set(ids).size, ids.length);
});

Deno.test("formatSize", () => {
  assert.equal(formatSize(1024), "1 KiB");
  assert.equal(formatSize(819200), "800 KiB");
  assert.equal(formatSize(8e6), "8 MB");
  assert.equal(formatSize(800e6), "800 MB");
});

function side(ms: number[], extra: Partial<SideResult> = {}): SideResult {
  return {
    ms: summarize(ms),
    cpuMs: summarize(ms),
    inner: 1,
    peakBytes: null,
    peakExtraBytes: null,
    outputBytes: null,
    ...extra,
  };
}

function caseOf(
  variant: string,
  datasetId: string,
  numpyMs: number[],
  ndioMs: number[],
  extra: Partial<CaseResult> = {},
): CaseResult {
  const dataset = datasets("full").find((d) => d.id === datasetId)!;
  const op = OPS.find((o) => o.variants.some((v) => v.id === variant))!;
  const numpy = side(numpyMs);
  const ndio = side(ndioMs);
  return {
    op: op.id,
    variant,
    note: op.variants.find((v) => v.id === variant)!.note,
    family: op.family,
    label: op.label,
    dataset,
    numpy,
    ndio,
    ratio: speedRatio(numpy.ms.median, ndio.ms.median),
    cpuRatio: speedRatio(numpy.cpuMs.median, ndio.cpuMs.median),
    loadavg: 1,
    ...extra,
  };
}

Deno.test("targets: met, missed with the reason given, not measured, size bound", () => {
  const cases = [
    caseOf("npy.save", "seed", [4, 5, 6], [2, 2, 2]),
    caseOf("npy.load", "seed", [1, 1, 1], [2, 2, 2]),
    caseOf("npz.save_compressed", "seed", [300], [100], {
      numpy: side([300], { outputBytes: 1000 }),
      ndio: side([100], { outputBytes: 1011 }),
    }),
  ];
  const results = evaluateTargets(cases, TARGETS, { "npy-load-seed": "page faults" });
  const by = new Map(results.map((r) => [r.id, r]));
  assert.equal(by.get("npy-save-seed")!.verdict, "met");
  assert.equal(by.get("npy-save-seed")!.measured, 2.5);
  assert.equal(by.get("npy-load-seed")!.verdict, "missed");
  assert.equal(by.get("npy-load-seed")!.reason, "page faults");
  assert.equal(by.get("npy-load-big")!.verdict, "not measured");
  assert.equal(by.get("npz-compressed-seed")!.verdict, "met");
  assert.equal(by.get("npz-size-seed")!.verdict, "missed");
  assert.ok(Math.abs(by.get("npz-size-seed")!.measured! - 1.011) < 1e-12);
});

Deno.test("markdownTable pads columns and aligns numbers right", () => {
  const table = markdownTable(["a", "value"], ["left", "right"], [["x|y", "1.5"], ["long", "12"]]);
  assert.equal(
    table,
    [
      "| a    | value |",
      "| ---- | ----: |",
      "| x\\|y |   1.5 |",
      "| long |    12 |",
    ].join("\n"),
  );
});

Deno.test("number formats", () => {
  assert.equal(formatMs(1234.4), "1234");
  assert.equal(formatMs(12.34), "12.3");
  assert.equal(formatMs(1.234), "1.23");
  assert.equal(formatMs(0.01234), "0.012");
  assert.equal(formatMs(NaN), "—");
  assert.equal(formatRatio(2.345), "2.35×");
  assert.equal(formatRatio(13.71), "13.7×");
  assert.equal(formatRatio(null), "—");
});

function run(cases: CaseResult[]): RunResults {
  return {
    schema: 1,
    mode: "quick",
    started: "2026-01-02T03:04:05.678Z",
    finished: "2026-01-02T03:05:05.678Z",
    seconds: 60,
    machine: {
      cpu: "Test CPU",
      cores: 2,
      memoryGiB: 24,
      kernel: "6.1",
      transparentHugePages: "always [madvise] never",
      loadavgStart: [0.5, 0.5, 0.5],
      loadavgEnd: [0.6, 0.5, 0.5],
    },
    versions: { deno: "Deno 2", v8: "13", python: "Python 3", numpy: "2.4" },
    settings: { warmup: 1, minSampleMs: 5, cliRepeats: 3 },
    cases,
    ceilings: [],
    cli: [],
    targets: evaluateTargets(cases, TARGETS, { "npy-load-seed": "the buffer is touched" }),
  };
}

Deno.test("the report has its markers, a table per family, the misses and their reasons", () => {
  const cases = [
    caseOf("npy.save", "seed", [4, 5, 6], [2, 2, 2]),
    caseOf("npy.load", "seed", [1, 1, 1], [2, 2, 2]),
    caseOf("text.loadtxt_int", "seed", [100], [50]),
  ];
  const report = renderReport(run(cases));
  assert.ok(report.startsWith(BEGIN_MARKER + "\n"));
  assert.ok(report.trimEnd().endsWith(END_MARKER));
  assert.match(report, /### npy /);
  assert.match(report, /### text /);
  assert.doesNotMatch(report, /### npz /);
  assert.match(report, /\| save to a new file +\| seed 8 MB int64 \| +5\.00 \(4\.00–6\.00\) \|/);
  assert.match(
    report,
    /- \*\*np\.load, 8 MB int64: ≥ 1×\*\* — measured 0\.50×\. the buffer is touched/,
  );
  assert.match(report, /quick mode stops at 8 MB/);
  assert.match(report, /!\[[^\]]*\]\(bench\/throughput\.svg\)/);
});

Deno.test("spliceReport replaces only the generated section and keeps the prose around it", () => {
  const intro = "# Benchmarks\n\nIntro.\n\n";
  const prose = "## text\n\nWhy loadtxt misses: page faults and THP.\n";
  const first = spliceReport(intro + prose, `${BEGIN_MARKER}\nv1\n${END_MARKER}\n`);
  assert.equal(first, `${intro}${BEGIN_MARKER}\nv1\n${END_MARKER}\n\n${prose}`);
  const second = spliceReport(first, `${BEGIN_MARKER}\nv2\n${END_MARKER}\n`);
  assert.equal(second, `${intro}${BEGIN_MARKER}\nv2\n${END_MARKER}\n\n${prose}`);
  assert.equal(spliceReport("", "S\n"), "# Benchmarks\n\nS\n");
  assert.equal(spliceReport("# B\n\nonly intro\n", "S\n"), "# B\n\nonly intro\n\nS\n");
});

Deno.test("chart scales: decades, log scale, labels, escaping", () => {
  assert.deepEqual(decades(1024, 8e8), [1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9]);
  assert.deepEqual(decades(100, 100), [100, 1000]);
  const s = logScale([10, 1000], [0, 200]);
  assert.equal(s(10), 0);
  assert.equal(s(100), 100);
  assert.equal(s(1000), 200);
  assert.equal(sizeLabel(1e3), "1 kB");
  assert.equal(sizeLabel(1e8), "100 MB");
  assert.equal(rateLabel(1e9), "1 GB/s");
  assert.equal(rateLabel(1e5), "0.1 MB/s");
  assert.equal(escapeXml(`a<b & "c">`), "a&lt;b &amp; &quot;c&quot;&gt;");
});

Deno.test("chart: a panel per operation with a series, lines inside the plot, well-formed", () => {
  const cases = [
    caseOf("npy.load", "f8-128", [0.01], [0.02]),
    caseOf("npy.load", "f8-1000000", [2, 1, 3], [1, 1, 1]),
    caseOf("npy.load", "seed", [2], [1]), // int64: not on the float64 series line
    caseOf("npy.save", "f8-128", [0.01], [0.02]), // one size only: no panel
  ];
  const panels = chartPanels(run(cases));
  assert.equal(panels.length, 1);
  assert.equal(panels[0]!.title, "npy: load a warm file");
  assert.deepEqual(panels[0]!.lines.map((l) => [l.label, l.points.length]), [["NumPy", 2], [
    "ndio",
    2,
  ]]);
  const svg = renderChart(panels);
  assert.ok(svg.startsWith("<svg "));
  assert.ok(svg.trimEnd().endsWith("</svg>"));
  assert.equal(svg.match(/<path /g)?.length, 2);
  // Every coordinate lies inside the picture.
  const [, w, h] = svg.match(/viewBox="0 0 (\d+) (\d+)"/)!.map(Number);
  for (const m of svg.matchAll(/ (?:cx|x1|x2)="(-?[\d.]+)"/g)) assert.ok(Number(m[1]) <= w!);
  for (const m of svg.matchAll(/ (?:cy|y1|y2)="(-?[\d.]+)"/g)) {
    assert.ok(Number(m[1]) >= 0 && Number(m[1]) <= h!);
  }
  // Tags balance.
  const opened = (svg.match(/<(path|text|title|svg)[ >]/g) ?? []).length;
  const closed = (svg.match(/<\/(path|text|title|svg)>/g) ?? []).length;
  assert.equal(opened, closed);
});

Deno.test("mergeResults: a partial run replaces its cases, keeps the rest, lists both runs", () => {
  const first = run([
    caseOf("npy.save", "seed", [4], [2]),
    caseOf("npy.load", "seed", [1], [2]),
  ]);
  const second = {
    ...run([caseOf("npy.load", "seed", [3], [1]), caseOf("npy.load", "f8-128", [1], [1])]),
    started: "2026-01-02T04:00:00.000Z",
    only: "npy.load",
  };
  const merged = mergeResults({ ...first, mode: "full" }, { ...second, mode: "full" });
  assert.deepEqual(
    merged.cases.map((c) => [c.variant, c.dataset.id, c.ratio]),
    [["npy.load", "f8-128", 1], ["npy.save", "seed", 2], ["npy.load", "seed", 3]],
  );
  assert.equal(merged.parts?.length, 2);
  assert.equal(merged.parts?.[1]?.only, "npy.load");
  assert.equal(merged.started, first.started);
  assert.equal(merged.seconds, 120);
  assert.equal(merged.targets.find((t) => t.id === "npy-load-seed")!.verdict, "met");
  assert.match(renderReport(merged), /Assembled from 2 runs/);
  // A quick run never mixes with a full one.
  assert.equal(mergeResults({ ...first, mode: "full" }, second), second);
});

Deno.test("missReasons quotes the run's own ceilings and huge-page rows", () => {
  const seed = datasets("full").find((d) => d.id === "seed")!;
  const ceiling = {
    id: "ceiling.deflate",
    label: "zlib deflate",
    how: "",
    dataset: seed,
    deno: side([160]), // 8 MB in 160 ms: 50 MB/s
    python: side([400]), // 20 MB/s
  };
  const cases = [
    caseOf("npz.load_stored", "seed", [2], [4]),
    caseOf("npz.load_stored+hugetlb", "seed", [2], [1]),
  ];
  const reasons = missReasons({ cases, ceilings: [ceiling] });
  assert.match(
    reasons["npz-compressed-seed"]!,
    /at 50 MB\/s in zlib-ng, 20 MB\/s in Python's zlib/,
  );
  assert.match(reasons["npz-compressed-seed"]!, /own CPU time\. See/);
  assert.match(reasons["npz-compressed-seed-workers"]!, /two idle cores/);
  assert.match(
    reasons["npz-load-stored-seed"]!,
    /ratio is 2\.00× \(ndio 1\.00 ms, NumPy 2\.00 ms\)/,
  );
  assert.doesNotMatch(reasons["npz-load-stored-big"]!, /ratio is/);
});

Deno.test("missReasons: the 8 MB load quotes the reused-buffer row and reads it both ways", () => {
  const without = missReasons({ cases: [caseOf("npy.load", "seed", [1], [1.25])], ceilings: [] });
  assert.doesNotMatch(without["npy-load-seed"]!, /reuses/);
  const slower = missReasons({
    cases: [caseOf("npy.load", "seed", [1], [1.25]), caseOf("npy.load_reuse", "seed", [1], [1.5])],
    ceilings: [],
  });
  assert.match(slower["npy-load-seed"]!, /measured 0\.67× \(ndio 1\.50 ms; row below\): no faster/);
  const faster = missReasons({
    cases: [caseOf("npy.load", "seed", [1], [1.25]), caseOf("npy.load_reuse", "seed", [1], [1.1])],
    ceilings: [],
  });
  assert.match(faster["npy-load-seed"]!, /0\.91× .* part of the difference, not all of it/);
});
