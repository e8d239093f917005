/**
 * `pnpm bench` runs every benchmark in order; `pnpm bench credential.warm worker.tick` runs
 * those. Each writes its lines into bench/results.json and the table in docs/benchmarks.md.
 * Nothing here asserts on a timing: the machine is shared and noisy, the ratios are the point.
 */
import { bundleReact } from "./bundle-react";
import { connectE2e } from "./connect-e2e";
import { credentialColdPostgres } from "./credential-cold";
import { credentialWarm } from "./credential-warm";
import { refreshStorm } from "./refresh-storm";
import { refreshTakeover } from "./refresh-takeover";
import { routesList } from "./routes-list";
import type { Measure } from "./support/measure";
import { mergeResults, missedTargets, renderText, writeResults } from "./support/report";
import { vaultSealOpen } from "./vault";
import { workerTick } from "./worker-tick";

type Benchmark = { name: string; run: () => Promise<Measure[]> };

const benchmarks: Benchmark[] = [
  { name: "credential.warm", run: credentialWarm },
  { name: "credential.cold.postgres", run: credentialColdPostgres },
  { name: "refresh.storm", run: refreshStorm },
  { name: "refresh.takeover", run: refreshTakeover },
  { name: "routes.list", run: routesList },
  { name: "worker.tick", run: workerTick },
  { name: "vault", run: vaultSealOpen },
  { name: "bundle.react", run: bundleReact },
  { name: "connect.e2e", run: connectE2e },
];

const wanted = process.argv.slice(2).filter((argument) => argument !== "--");
const selected = wanted.length
  ? benchmarks.filter((benchmark) =>
      wanted.some((name) => name === benchmark.name || name.startsWith(`${benchmark.name}.`)),
    )
  : benchmarks;
const unknown = wanted.filter(
  (name) => !benchmarks.some((b) => name === b.name || name.startsWith(`${b.name}.`)),
);
if (unknown.length) {
  console.error(
    `bench: unknown ${unknown.join(", ")}; known: ${benchmarks.map((b) => b.name).join(", ")}`,
  );
  process.exit(2);
}

const fresh: Measure[] = [];
const failed: string[] = [];
const runStarted = performance.now();
for (const benchmark of selected) {
  const started = performance.now();
  process.stdout.write(`${benchmark.name} … `);
  try {
    fresh.push(...(await benchmark.run()));
    console.log(`${((performance.now() - started) / 1000).toFixed(1)} s`);
  } catch (error) {
    // One broken benchmark must not throw away the others' figures; its old line stays.
    failed.push(benchmark.name);
    console.log("failed");
    console.error(error);
  }
}

const results = mergeResults(
  fresh,
  benchmarks.map((benchmark) => benchmark.name),
);
writeResults(results);
console.log(`\n${renderText(fresh)}\n`);
console.log(
  `${fresh.length} measures in ${((performance.now() - runStarted) / 1000).toFixed(0)} s; bench/results.json and docs/benchmarks.md updated.`,
);
if (failed.length) console.error(`bench: ${failed.join(", ")} failed; their lines were kept.`);
// A miss is reported, not failed on: the machine is shared, so re-run before believing one.
const missed = missedTargets(fresh);
if (missed.length) console.log(`bench: ${missed.join(", ")} missed the target.`);
// Pools and sockets of the libraries under test must not keep a finished run alive.
process.exit(failed.length ? 1 : 0);
