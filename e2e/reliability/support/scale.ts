/**
 * The size of a reliability run. `RELIABILITY_SCALE=full` runs the numbers the claims are made
 * at; the default is about a tenth of them, small enough for every CI run of `pnpm test:e2e`.
 */
const full = process.env.RELIABILITY_SCALE === "full";

export const scale = {
  full,
  connects: full ? 10_000 : 300,
  reads: full ? 100_000 : 5_000,
  tenants: 20,
  /** Requests in flight at once from the test process, across all instances. */
  parallelism: 32,
  /** Rows the churn loop marks expired each tick, so reads keep refreshing. */
  churnBatch: full ? 50 : 5,
  churnEveryMs: 1_000,
  /** Per-test time budget, so a stuck run fails instead of hanging CI. */
  timeoutMs: full ? 1_800_000 : 120_000,
};

/** Runs `task` for 0…count−1 with at most `limit` of them in flight. */
export async function inPool(
  count: number,
  limit: number,
  task: (index: number) => Promise<void>,
): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < count) await task(next++);
  };
  await Promise.all(Array.from({ length: Math.min(limit, count) }, worker));
}
