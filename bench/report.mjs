// One table of medians, printed and written to bench/results.md.
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import prettier from "prettier";

const HEADER = ["figure", "measured", "baseline", "ratio", "goal", "met?"];

// A row compares `measured` with `baseline`; `goal` is { max } or { min } on
// the ratio, or null for a figure that is there for comparison only.
export function row(figure, measured, baseline, goal) {
  const ratio = measured.value / baseline.value;
  const met = goal === null ? "n/a" : ("max" in goal ? ratio <= goal.max : ratio >= goal.min) ? "yes" : "no";
  const goalText = goal === null ? "none" : "max" in goal ? `<= ${goal.max}x` : `>= ${goal.min}x`;
  return [figure, measured.text, baseline.text, `${ratio.toFixed(2)}x`, goalText, met];
}

export const perSecond = (value) => ({ value, text: `${value.toFixed(1)}/s` });
export const ms = (value) => ({ value, text: `${value.toFixed(1)} ms` });

export function markdownTable(rows) {
  const lines = [HEADER, HEADER.map(() => "---"), ...rows].map((cells) => `| ${cells.join(" | ")} |`);
  return lines.join("\n");
}

// Formatted as `npm run lint` (prettier --check .) expects.
export async function writeResults(file, { rows, notes, elapsedS }) {
  const threads = process.env.UV_THREADPOOL_SIZE ?? "4 (default)";
  const text = [
    "# Benchmark results",
    "",
    `Written by \`npm run bench\` on ${new Date().toISOString().slice(0, 10)}: ` +
      `${os.availableParallelism()} cores (${os.cpus()[0]?.model.trim() ?? "unknown CPU"}), ` +
      `Node ${process.version}, UV_THREADPOOL_SIZE ${threads}, run time ${Math.round(elapsedS)} s.`,
    "",
    markdownTable(rows),
    "",
    ...notes.map((note) => `- ${note}`),
    "",
  ].join("\n");
  const options = { ...(await prettier.resolveConfig(file)), parser: "markdown" };
  const formatted = await prettier.format(text, options);
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, formatted);
  return formatted;
}
