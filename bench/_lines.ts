/**
 * Splits a text stream into lines (without their `\n`), skipping empty ones.
 *
 * @module
 */

/** A transform from text chunks to the non-empty lines they hold. */
export function lineSplitter(): TransformStream<string, string> {
  let rest = "";
  return new TransformStream({
    transform(chunk, controller) {
      const parts = (rest + chunk).split("\n");
      rest = parts.pop()!;
      for (const part of parts) if (part !== "") controller.enqueue(part);
    },
    flush(controller) {
      if (rest !== "") controller.enqueue(rest);
    },
  });
}
