import { deleteExpiredFlows } from "../connect/flows-repository";
import { claimDueConnections } from "../connections/repository";
import type { OpenedRow } from "../credentials/refresh";
import type { ProviderLookup } from "../providers/registry";
import type { OAuthProvider, Provider } from "../providers/types";
import type { ConnectionRow } from "../store/schema";
import type { Database } from "../store/store";
import { mapWithConcurrency } from "./map-with-concurrency";

export type WorkerOptions = {
  /** Pause between ticks (default 30 s). */
  intervalMs?: number | undefined;
  /** Connections claimed per tick and kind (default 100). */
  batchSize?: number | undefined;
  /** Provider calls in flight at once (default 4). */
  concurrency?: number | undefined;
};

export type WorkerDeps = WorkerOptions & {
  db(): Promise<Database>;
  findProvider: ProviderLookup;
  /** Opens the row's credential for a refresh. */
  open(row: ConnectionRow): Promise<OpenedRow | null>;
  refresh(provider: OAuthProvider, opened: OpenedRow): Promise<unknown>;
  check(provider: Provider | undefined, row: ConnectionRow): Promise<ConnectionRow>;
  /** Retries webhook deliveries that are due; how many it attempted. */
  deliverWebhooks(limit: number): Promise<number>;
  /** How long a claim holds: longer than a refresh that keeps its lease to the end. */
  claimMs: number;
  /** Callback state older than this is deleted (a flow lives ten minutes). */
  flowRetentionMs: number;
  /** Unexpected failures of a tick, for the host's logger. */
  onError(error: unknown): void;
};

export type TickReport = { refreshed: number; checked: number; failed: number; webhooks: number };

/**
 * Refreshes tokens before they expire (and idle refresh tokens daily), health-checks
 * connections so users find out about a revoked grant before they need it, retries webhooks and
 * sweeps spent callback state. Any number of instances may run one: each claims its own rows.
 */
export function createWorker(deps: WorkerDeps) {
  const intervalMs = deps.intervalMs ?? 30_000;
  const batchSize = deps.batchSize ?? 100;
  const concurrency = deps.concurrency ?? 4;
  let timer: NodeJS.Timeout | undefined;
  let current: Promise<unknown> | undefined;
  let stopped = true;

  async function tick(): Promise<TickReport> {
    const db = await deps.db();
    const report: TickReport = { refreshed: 0, checked: 0, failed: 0, webhooks: 0 };
    const due = await claimDueConnections(db, "refresh", batchSize, deps.claimMs);
    const refreshes = await mapWithConcurrency(due, concurrency, async (row) => {
      const provider = await deps.findProvider(row.provider, row);
      const opened = provider?.kind === "oauth2" ? await deps.open(row) : null;
      if (provider?.kind === "oauth2" && opened) await deps.refresh(provider, opened);
    });
    const checkDue = await claimDueConnections(db, "check", batchSize, deps.claimMs);
    const checks = await mapWithConcurrency(checkDue, concurrency, async (row) =>
      deps.check(await deps.findProvider(row.provider, row), row),
    );
    for (const result of refreshes) {
      if (result.status === "fulfilled") report.refreshed++;
      else report.failed++;
    }
    for (const result of checks) {
      if (result.status === "rejected" || result.value.status === "auth_failed") report.failed++;
      else report.checked++;
    }
    report.webhooks = await deps.deliverWebhooks(batchSize);
    await deleteExpiredFlows(db, new Date(Date.now() - deps.flowRetentionMs));
    return report;
  }

  const loop = () => {
    current = tick()
      .catch(deps.onError)
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
