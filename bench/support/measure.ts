/** What a line's ratio must reach: at most `max`, or at least `min`. */
export type Target = { max: number } | { min: number };

/** One line of bench/results.json: a figure and the baseline it is read against. */
export type Measure = {
  name: string;
  value: number;
  unit: string;
  /** What the baseline is, in words. */
  baseline: string;
  baselineValue: number;
  /** Always value / baselineValue, whichever way "better" points. */
  ratio: number;
  /** The ratio the line is held to (issue #17), when it has one. */
  target?: Target;
};

export function measure(fields: Omit<Measure, "ratio">): Measure {
  return { ...fields, ratio: fields.value / fields.baselineValue };
}

/** Whether the line reaches its target; undefined for a line without one. */
export function meetsTarget(line: Pick<Measure, "ratio" | "target">): boolean | undefined {
  if (!line.target) return undefined;
  return "max" in line.target ? line.ratio <= line.target.max : line.ratio >= line.target.min;
}

export function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1
    ? sorted[middle]!
    : ((sorted[middle - 1] ?? 0) + (sorted[middle] ?? 0)) / 2;
}

/** The nearest-rank percentile (p in 0..100). */
export function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.min(sorted.length, Math.max(1, Math.ceil((p / 100) * sorted.length)));
  return sorted[rank - 1] ?? Number.NaN;
}

/** Nanoseconds per call of a synchronous function, as the median of `batches` timed batches. */
export function nanosecondsPerCall(
  run: (iterations: number) => void,
  { iterations, batches }: { iterations: number; batches: number },
): number {
  run(iterations); // warm-up: let the JIT settle before anything is timed
  const samples: number[] = [];
  for (let batch = 0; batch < batches; batch++) {
    const started = process.hrtime.bigint();
    run(iterations);
    samples.push(Number(process.hrtime.bigint() - started) / iterations);
  }
  return median(samples);
}

/** Nanoseconds per awaited call, as the median of `batches` timed batches. */
export async function nanosecondsPerAsyncCall(
  run: (iterations: number) => Promise<void>,
  { iterations, batches }: { iterations: number; batches: number },
): Promise<number> {
  await run(iterations);
  const samples: number[] = [];
  for (let batch = 0; batch < batches; batch++) {
    const started = process.hrtime.bigint();
    await run(iterations);
    samples.push(Number(process.hrtime.bigint() - started) / iterations);
  }
  return median(samples);
}

export async function millisecondsOf(run: () => Promise<unknown>): Promise<number> {
  const started = performance.now();
  await run();
  return performance.now() - started;
}
