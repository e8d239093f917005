import { readFileSync, writeFileSync } from "node:fs";
import { cpus, totalmem } from "node:os";
import { type Measure, meetsTarget } from "./measure";

export type Machine = { cpu: string; cores: number; memoryGb: number; node: string };
export type Results = { machine: Machine; date: string; measures: Measure[] };

const RESULTS = new URL("../results.json", import.meta.url);
const DOC = new URL("../../docs/benchmarks.md", import.meta.url);
const START = "<!-- bench:table:start (written by pnpm bench) -->";
const END = "<!-- bench:table:end -->";

export function describeMachine(): Machine {
  return {
    cpu: cpus()[0]?.model.trim() ?? "unknown",
    cores: cpus().length,
    memoryGb: Math.round(totalmem() / 1024 ** 3),
    node: process.version,
  };
}

/**
 * A run of some benchmarks replaces only their lines; the others keep the figures of the run
 * that made them, in the order the full run lists them.
 */
export function mergeResults(fresh: Measure[], order: string[]): Results {
  let previous: Measure[] = [];
  try {
    previous = (JSON.parse(readFileSync(RESULTS, "utf8")) as Results).measures;
  } catch {
    previous = [];
  }
  const byName = new Map(previous.map((line) => [line.name, line]));
  for (const line of fresh) byName.set(line.name, line);
  const rank = (name: string) => {
    const index = order.findIndex((prefix) => name.startsWith(prefix));
    return index === -1 ? order.length : index;
  };
  // Within one benchmark, its lines keep the order it reports them in.
  const position = (name: string) => {
    const index = fresh.findIndex((line) => line.name === name);
    return index === -1 ? fresh.length + previous.findIndex((line) => line.name === name) : index;
  };
  const measures = [...byName.values()].sort(
    (a, b) => rank(a.name) - rank(b.name) || position(a.name) - position(b.name),
  );
  return { machine: describeMachine(), date: new Date().toISOString(), measures };
}

export function writeResults(results: Results): void {
  writeFileSync(RESULTS, `${JSON.stringify(results, null, 2)}\n`);
  const doc = readFileSync(DOC, "utf8");
  const block = `${START}\n${renderMarkdown(results)}\n${END}`;
  const start = doc.indexOf(START);
  const end = doc.indexOf(END);
  const next =
    start !== -1 && end > start
      ? `${doc.slice(0, start)}${block}${doc.slice(end + END.length)}`
      : `${doc.trimEnd()}\n\n${block}\n`;
  writeFileSync(DOC, next);
}

export function formatNumber(value: number): string {
  if (value !== 0 && Math.abs(value) < 1) {
    return value.toLocaleString("en-US", { maximumSignificantDigits: 3 });
  }
  const digits = Math.abs(value) >= 100 ? 0 : Math.abs(value) >= 10 ? 1 : 2;
  return value.toLocaleString("en-US", { maximumFractionDigits: digits });
}

const ratioOf = (line: Measure) => `${formatNumber(line.ratio)}×`;

/** "≤ 1.5×: met", "≤ 2×: MISSED", or "—" for a line without a target. */
export function targetOf(line: Measure): string {
  if (!line.target) return "—";
  const bound =
    "max" in line.target
      ? `≤ ${formatNumber(line.target.max)}×`
      : `≥ ${formatNumber(line.target.min)}×`;
  return `${bound}: ${meetsTarget(line) ? "met" : "MISSED"}`;
}

/** The names of the lines that miss their target. */
export function missedTargets(measures: Measure[]): string[] {
  return measures.filter((line) => meetsTarget(line) === false).map((line) => line.name);
}

export function renderMarkdown({ machine, date, measures }: Results): string {
  const header = ["measure", "value", "baseline", "baseline value", "ratio", "target"];
  const rightAligned = [false, true, false, true, true, false];
  const rows = measures.map((line) => [
    `\`${line.name}\``,
    `${formatNumber(line.value)} ${line.unit}`,
    line.baseline,
    `${formatNumber(line.baselineValue)} ${line.unit}`,
    ratioOf(line),
    targetOf(line),
  ]);
  // Padded as the formatter pads a table, so a fresh run leaves `pnpm lint` clean.
  const widths = header.map((_, column) =>
    Math.max(...[header, ...rows].map((row) => row[column]!.length)),
  );
  const cell = (text: string, column: number) =>
    rightAligned[column] ? text.padStart(widths[column]!) : text.padEnd(widths[column]!);
  const line = (cells: string[]) => `| ${cells.map(cell).join(" | ")} |`;
  const rule = `| ${widths
    .map((width, column) =>
      rightAligned[column] ? `${"-".repeat(width - 1)}:` : "-".repeat(width),
    )
    .join(" | ")} |`;
  return [
    `Machine: ${machine.cpu}, ${machine.cores} cores, ${machine.memoryGb} GB, Node ${machine.node}.`,
    `Run: ${date}. Ratio = value / baseline value, both measured in this run unless the baseline says otherwise.`,
    "",
    line(header),
    rule,
    ...rows.map(line),
  ].join("\n");
}

export function renderText(measures: Measure[]): string {
  const rows = measures.map((line) => [
    line.name,
    `${formatNumber(line.value)} ${line.unit}`,
    `${formatNumber(line.baselineValue)} ${line.unit}`,
    ratioOf(line),
    targetOf(line),
    line.baseline,
  ]);
  const all = [["measure", "value", "baseline value", "ratio", "target", "baseline"], ...rows];
  const widths = all[0]!.map((_, column) => Math.max(...all.map((row) => row[column]!.length)));
  return all
    .map((row) => row.map((cell, column) => cell.padEnd(widths[column]!)).join("  "))
    .join("\n");
}
