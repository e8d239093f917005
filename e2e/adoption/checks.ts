import { knownFailures } from "./known-failures";

type Outcome = "pass" | "fail" | "known failure" | "passes, but listed as known";
const results: { id: string; title: string; outcome: Outcome; detail: string }[] = [];

/**
 * Runs one check of what a user relies on and records the outcome; never throws, so every
 * check runs and the report names them all. Returns whether it passed.
 */
export async function check(id: string, title: string, body: () => unknown): Promise<boolean> {
  const known = knownFailures[id];
  const started = Date.now();
  try {
    await body();
    const outcome = known ? "passes, but listed as known" : "pass";
    results.push({
      id,
      title,
      outcome,
      detail: known ? "delete its entry in known-failures.ts" : "",
    });
    report(results.at(-1)!, started);
    return true;
  } catch (error) {
    const detail = error instanceof Error ? error.message : String(error);
    const asKnown = known && detail.split("\n").every((line) => known.failsWith.test(line));
    const note =
      known && !asKnown ? `\n(listed as known, but not every line matches ${known.failsWith})` : "";
    results.push({ id, title, outcome: asKnown ? "known failure" : "fail", detail: detail + note });
    report(results.at(-1)!, started);
    return false;
  }
}

function report(result: (typeof results)[number], started: number) {
  const seconds = ((Date.now() - started) / 1000).toFixed(1);
  console.log(`[${result.outcome}] ${result.title} (${result.id}, ${seconds} s)`);
  if (result.detail) console.log(indent(result.detail));
  if (result.outcome === "known failure") {
    console.log(indent(`known: ${knownFailures[result.id]?.because}`));
  }
}

const indent = (text: string) =>
  text
    .split("\n")
    .map((line) => `    ${line}`)
    .join("\n");

/** The run passes when every check passed or failed exactly as known-failures.ts says. */
export function summary(): { passed: boolean; text: string } {
  const count = (outcome: Outcome) => results.filter((result) => result.outcome === outcome);
  const failed = [...count("fail"), ...count("passes, but listed as known")];
  const unrun = Object.keys(knownFailures).filter((id) => !results.some((r) => r.id === id));
  const lines = [
    `${count("pass").length} passed, ${count("known failure").length} known failures, ${failed.length} failed`,
    ...failed.map((result) => `  failed: ${result.title} (${result.id})`),
    ...unrun.map((id) => `  not run: ${id} is listed as a known failure`),
  ];
  return { passed: failed.length === 0 && unrun.length === 0, text: lines.join("\n") };
}

/** A failed expectation: the message says what a user would have seen. */
export function expect(condition: unknown, message: string): asserts condition {
  if (!condition) throw new Error(message);
}
