/// <reference lib="dom" />
/**
 * The viewer page's script: opens the file the user picks or drops, entirely
 * in the browser, and shows its format, each array's dtype, shape and NumPy
 * repr, and a heatmap of a chosen 2-D slice. Bundled for the browser by
 * `build.ts`.
 *
 * @module
 */

import { NdioError } from "@ndio/core";
import { defaultSlice, heatmap, isHeatmapDType } from "./heatmap.ts";
import { openFile, shapeText, type ViewedArray, type ViewedFile } from "./model.ts";

function element<T extends HTMLElement>(id: string): T {
  const found = document.getElementById(id);
  if (found === null) throw new Error(`the page has no #${id}`);
  return found as T;
}

const picker = element<HTMLInputElement>("file");
const drop = element<HTMLElement>("drop");
const status = element<HTMLElement>("status");
const result = element<HTMLElement>("result");
const fileName = element<HTMLElement>("file-name");
const format = element<HTMLElement>("format");
const list = element<HTMLTableSectionElement>("arrays");
const detail = element<HTMLElement>("detail");
const arrayName = element<HTMLElement>("array-name");
const dtype = element<HTMLElement>("dtype");
const shape = element<HTMLElement>("shape");
const repr = element<HTMLElement>("repr");
const sliceInput = element<HTMLInputElement>("slice");
const canvas = element<HTMLCanvasElement>("heatmap");
const heatmapInfo = element<HTMLElement>("heatmap-info");

let current: ViewedFile | undefined;
let selected: ViewedArray | undefined;

function describeError(error: unknown): string {
  if (error instanceof NdioError || error instanceof Error) {
    const code = (error as { code?: unknown }).code;
    return `${error.name}${typeof code === "string" ? ` (${code})` : ""}: ${error.message}`;
  }
  return String(error);
}

function showStatus(text: string, isError = false): void {
  status.textContent = text;
  status.classList.toggle("error", isError);
  status.setAttribute("role", isError ? "alert" : "status");
}

function drawHeatmap(): void {
  const ctx = canvas.getContext("2d");
  ctx?.clearRect(0, 0, canvas.width, canvas.height);
  canvas.hidden = true;
  canvas.removeAttribute("data-min");
  canvas.removeAttribute("data-max");
  if (selected === undefined) return;
  const array = selected.array;
  if (array.ndim === 0) {
    heatmapInfo.textContent = "A 0-d array has no heatmap.";
    return;
  }
  if (!isHeatmapDType(array)) {
    heatmapInfo.textContent = `No heatmap for dtype ${array.dtype.str}.`;
    return;
  }
  try {
    const text = sliceInput.value.trim();
    const slice = text === "" ? array : array.index(text);
    const map = heatmap(slice);
    canvas.width = map.width;
    canvas.height = map.height;
    const image = new ImageData(map.rgba, map.width, map.height);
    ctx?.putImageData(image, 0, 0);
    canvas.hidden = false;
    canvas.dataset["min"] = String(map.min);
    canvas.dataset["max"] = String(map.max);
    canvas.dataset["rows"] = String(map.height);
    canvas.dataset["columns"] = String(map.width);
    heatmapInfo.textContent = `Slice ${shapeText(slice.shape)}, values ${map.min} to ${map.max}` +
      (map.step > 1 ? `, every ${map.step}th row and column drawn.` : ".");
  } catch (error) {
    heatmapInfo.textContent = `Cannot draw this slice: ${describeError(error)}`;
  }
}

function select(index: number): void {
  if (current === undefined) return;
  selected = current.arrays[index];
  for (const [i, row] of [...list.rows].entries()) row.classList.toggle("selected", i === index);
  detail.hidden = selected === undefined;
  if (selected === undefined) return;
  arrayName.textContent = selected.name === "" ? "(the array)" : selected.name;
  dtype.textContent = `${selected.array.dtype.str} (${selected.array.dtype.name})`;
  shape.textContent = shapeText(selected.array.shape);
  repr.textContent = selected.array.toString();
  sliceInput.value = defaultSlice(selected.array.shape);
  sliceInput.disabled = selected.array.ndim === 0;
  drawHeatmap();
}

function show(file: ViewedFile): void {
  current = file;
  fileName.textContent = `${file.fileName} (${file.byteLength} bytes)`;
  format.textContent = file.format.label;
  format.dataset["id"] = file.format.id;
  list.replaceChildren(
    ...file.arrays.map((entry, i) => {
      const row = document.createElement("tr");
      for (
        const text of [
          entry.name === "" ? "(the array)" : entry.name,
          entry.array.dtype.str,
          shapeText(entry.array.shape),
        ]
      ) {
        const cell = document.createElement("td");
        cell.textContent = text;
        row.append(cell);
      }
      row.tabIndex = 0;
      row.addEventListener("click", () => select(i));
      row.addEventListener("keydown", (event) => {
        if (event.key === "Enter") select(i);
      });
      return row;
    }),
  );
  result.hidden = false;
  showStatus(
    `Read ${file.arrays.length} array${file.arrays.length === 1 ? "" : "s"} from ${file.fileName}.`,
  );
  select(0);
}

async function open(file: File): Promise<void> {
  showStatus(`Reading ${file.name}…`);
  result.hidden = true;
  try {
    const bytes = new Uint8Array(await file.arrayBuffer());
    show(openFile(bytes, file.name));
  } catch (error) {
    current = undefined;
    showStatus(`Cannot open ${file.name}: ${describeError(error)}`, true);
  }
}

picker.addEventListener("change", () => {
  const file = picker.files?.[0];
  if (file !== undefined) void open(file);
});
drop.addEventListener("dragover", (event) => {
  event.preventDefault();
  drop.classList.add("over");
});
drop.addEventListener("dragleave", () => drop.classList.remove("over"));
drop.addEventListener("drop", (event) => {
  event.preventDefault();
  drop.classList.remove("over");
  const file = event.dataTransfer?.files[0];
  if (file !== undefined) void open(file);
});
sliceInput.addEventListener("change", drawHeatmap);
sliceInput.addEventListener("keydown", (event) => {
  if (event.key === "Enter") drawHeatmap();
});
document.body.dataset["ready"] = "true";
