import { findConnectionById } from "../connections/repository";
import { checkConnection } from "../connections/service";
import type { CredentialReader } from "../credentials/get-credential";
import { refreshConnection } from "../credentials/refresh";
import { claimDue } from "../credentials/refresh-repository";
import type { Runtime } from "../runtime";
import type { WebhookSender } from "../webhooks/webhooks";
import { mapWithConcurrency } from "./map-with-concurrency";

export type WorkerOptions = {
  /** Pause between ticks (default 30 s). */
  intervalMs?: number;
  /** Connections claimed per tick and kind (default 100). */
  batchSize?: number;
  /** Provider calls in flight at once (default 4). */
  concurrency?: number;
};

type WorkerDependencies = WorkerOptions & { webhooks?: WebhookSender };

export type TickReport = { refreshed: number; checked: number; failed: number; webhooks: number };

/**
 * Refreshes tokens before they expire (and idle refresh tokens daily) and health-checks
 * connections, so users find out about a revoked grant before they need it. Any number of
 * instances may run one: each claims its own due rows.
 */
export function createWorker(
  runtime: Runtime,
  reader: CredentialReader,
  options: WorkerDependencies = {},
) {
  const intervalMs = options.intervalMs ?? 30_000;
  const batchSize = options.batchSize ?? 100;
  const concurrency = options.concurrency ?? 4;
  // A claim outlives a refresh that holds its lease to the end, so two workers never overlap.
  const claimMs = 2 * runtime.leaseMs;
  let timer: NodeJS.Timeout | undefined;
  let current: Promise<unknown> | undefined;
  let stopped = true;

  async function tick(): Promise<TickReport> {
    const db = await runtime.db();
    const report: TickReport = { refreshed: 0, checked: 0, failed: 0, webhooks: 0 };
    const refreshIds = await claimDue(db, "refresh", batchSize, claimMs);
    const refreshes = await mapWithConcurrency(refreshIds, concurrency, async (id) => {
      const row = await findConnectionById(db, id);
      const provider = row && (await runtime.findProvider(row.provider, row));
      if (row?.status === "active" && provider?.kind === "oauth2")
        await refreshConnection(runtime, provider, row);
    });
    const checkIds = await claimDue(db, "check", batchSize, claimMs);
    const checks = await mapWithConcurrency(checkIds, concurrency, async (id) => {
      const row = await findConnectionById(db, id);
      return row ? checkConnection(runtime, row, reader) : undefined;
    });
    for (const result of refreshes)
      result.status === "fulfilled" ? report.refreshed++ : report.failed++;
    for (const result of checks) {
      if (result.status === "rejected" || result.value?.status === "auth_failed") report.failed++;
      else report.checked++;
    }
    report.webhooks = (await options.webhooks?.deliverDue(batchSize)) ?? 0;
    return report;
  }

  const loop = () => {
    current = tick()
      .catch((error: unknown) => {
        console.error(`@x/server worker: tick failed: ${(error as Error)?.name ?? "error"}`);
      })
      .finally(() => {
        if (!stopped) timer = setTimeout(loop, intervalMs);
      });
  };

  return {
    /** One pass over what is due now; the schedule does this every `intervalMs`. */
    tick,
    start(): void {
      if (!stopped) return;
      stopped = false;
      loop();
    },
    /** Stops scheduling and waits for the tick in progress. */
    async stop(): Promise<void> {
      stopped = true;
      clearTimeout(timer);
      await current;
    },
  };
}

export type Worker = ReturnType<typeof createWorker>;
