// One table of medians, printed and written to bench/results.md.
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import prettier from "prettier";

const HEADER = ["figure", "measured", "baseline", "ratio", "goal", "met?"];

// A row compares `measured` with `baseline`; `goal` is { max } or { min } on
// the ratio, { maxValue, unit } on the measured figure itself (a budget such
// as 8 ms), or null for a figure that is there for comparison only.
export function row(figure, measured, baseline, goal) {
  const ratio = measured.value / baseline.value;
  const text = Number.isFinite(ratio) ? `${ratio.toFixed(2)}x` : "n/a";
  if (goal === null) return [figure, measured.text, baseline.text, text, "none", "n/a"];
  if (!Number.isFinite(measured.value) || !Number.isFinite(ratio)) {
    return [figure, measured.text, baseline.text, text, goalText(goal), "not measured"];
  }
  const met =
    "maxValue" in goal
      ? measured.value <= goal.maxValue
      : "max" in goal
        ? ratio <= goal.max
        : ratio >= goal.min;
  return [figure, measured.text, baseline.text, text, goalText(goal), met ? "yes" : "no"];
}

function goalText(goal) {
  if ("maxValue" in goal) return `<= ${goal.maxValue} ${goal.unit}`;
  return "max" in goal ? `<= ${goal.max}x` : `>= ${goal.min}x`;
}

export const perSecond = (value) => ({ value, text: `${value.toFixed(1)}/s` });
export const ms = (value) => ({
  value,
  text: Number.isFinite(value) ? `${value.toFixed(1)} ms` : "not measured",
});
export const seconds = (value, suffix = "") => ({ value, text: `${value.toFixed(1)} s${suffix}` });

export function markdownTable(rows) {
  const lines = [HEADER, HEADER.map(() => "---"), ...rows].map((cells) => `| ${cells.join(" | ")} |`);
  return lines.join("\n");
}

// Formatted as `npm run lint` (prettier --check .) expects. `sections` are
// { title, rows, notes }, or { title, skipped } for one that did not run.
export async function writeResults(file, { sections, elapsedS }) {
  const threads = process.env.UV_THREADPOOL_SIZE ?? "4 (default)";
  const text = [
    "# Benchmark results",
    "",
    `Written by \`npm run bench\` on ${new Date().toISOString().slice(0, 10)}: ` +
      `${os.availableParallelism()} cores (${os.cpus()[0]?.model.trim() ?? "unknown CPU"}), ` +
      `Node ${process.version}, UV_THREADPOOL_SIZE ${threads}, run time ${Math.round(elapsedS)} s.`,
    "",
    ...sections.flatMap(({ title, rows, notes, skipped }) =>
      skipped
        ? [`## ${title}`, "", skipped, ""]
        : [`## ${title}`, "", markdownTable(rows), "", ...notes.map((note) => `- ${note}`), ""],
    ),
  ].join("\n");
  const options = { ...(await prettier.resolveConfig(file)), parser: "markdown" };
  const formatted = await prettier.format(text, options);
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, formatted);
  return formatted;
}
