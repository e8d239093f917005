import { deleteExpiredFlows } from "../connect/flows-repository";
import { claimDueConnections } from "../connections/repository";
import type { OpenedRow } from "../credentials/refresh";
import type { ProviderRegistry } from "../providers/registry";
import type { OAuthProvider, Provider } from "../providers/types";
import type { ConnectionRow } from "../store/schema";
import type { Database } from "../store/store";
import { measure } from "../telemetry";
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
  /**
   * `findMany` gives the providers of a tick's rows at once (no query per row for a name added
   * at run time); `prepare` discovers an added MCP server this instance has not used yet.
   */
  providers: Pick<ProviderRegistry, "findMany" | "prepare">;
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

/** Spent callback state is swept on the first tick, then at most this often. */
const FLOW_SWEEP_INTERVAL_MS = 60 * 60_000;

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
  let sweptAt = Number.NEGATIVE_INFINITY;

  // Each claim returns its rows whole and their providers come in one lookup, which asks the
  // database only for names the host does not register (added MCP servers). A tick's own
  // statements are the two claims and the webhook claim, whatever the number of due rows; the
  // refreshes and checks themselves come on top.
  const withProviders = async (rows: ConnectionRow[]) => {
    const lookups = rows.map((row) => ({ name: row.provider, owner: row }));
    const providers = rows.length > 0 ? await deps.providers.findMany(lookups) : [];
    return rows.map((row, index) => ({ row, provider: providers[index] }));
  };

  async function tick(): Promise<TickReport> {
    const began = performance.now();
    measure.attach();
    const db = await deps.db();
    const report: TickReport = { refreshed: 0, checked: 0, failed: 0, webhooks: 0 };
    const due = await withProviders(
      await claimDueConnections(db, "refresh", batchSize, deps.claimMs),
    );
    const refreshes = await mapWithConcurrency(due, concurrency, async ({ row, provider }) => {
      if (provider?.kind !== "oauth2") return;
      await deps.providers.prepare(provider);
      const opened = await deps.open(row);
      if (opened) await deps.refresh(provider, opened);
    });
    const checkDue = await withProviders(
      await claimDueConnections(db, "check", batchSize, deps.claimMs),
    );
    const checks = await mapWithConcurrency(checkDue, concurrency, async ({ row, provider }) => {
      if (provider) await deps.providers.prepare(provider);
      return deps.check(provider, row);
    });
    for (const result of refreshes) {
      if (result.status === "fulfilled") report.refreshed++;
      else report.failed++;
    }
    for (const result of checks) {
      if (result.status === "rejected" || result.value.status === "auth_failed") report.failed++;
      else report.checked++;
    }
    report.webhooks = await deps.deliverWebhooks(batchSize);
    // Spent callback state is kept a day: sweeping it every tick would only add a statement.
    if (Date.now() - sweptAt >= FLOW_SWEEP_INTERVAL_MS) {
      sweptAt = Date.now();
      await deleteExpiredFlows(db, new Date(sweptAt - deps.flowRetentionMs));
    }
    const claimed = { refresh: due.length, check: checkDue.length, webhook: report.webhooks };
    measure.workerTick((performance.now() - began) / 1000, claimed);
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
