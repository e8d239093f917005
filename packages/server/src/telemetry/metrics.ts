import {
  type Attributes,
  type Counter,
  type Histogram,
  type MeterProvider,
  metrics,
} from "@opentelemetry/api";
import { SCOPE } from "./tracing";

/** Durations in seconds, as OpenTelemetry's semantic conventions ask. */
const SECONDS = { unit: "s" } as const;

type Instruments = {
  refreshDuration: Histogram;
  refreshOutcomes: Counter;
  leaseWait: Histogram;
  httpClientDuration: Histogram;
  workerTick: Histogram;
  workerClaimed: Counter;
  webhookDeliveries: Counter;
};

/**
 * Credential reads served from memory or not, counted with plain integers on the hot path
 * (a warm read costs a few hundred nanoseconds) and reported through an observable counter.
 */
const cacheCounts = { hit: 0, miss: 0 };

function create(provider: MeterProvider): Instruments {
  const meter = provider.getMeter(SCOPE);
  meter
    .createObservableCounter("connections.credential.cache.requests", {
      description: "Credential reads, served from memory (hit) or read from the store (miss)",
      unit: "{request}",
    })
    .addCallback((result) => {
      result.observe(cacheCounts.hit, { "connections.cache.result": "hit" });
      result.observe(cacheCounts.miss, { "connections.cache.result": "miss" });
    });
  return {
    refreshDuration: meter.createHistogram("connections.refresh.duration", {
      description: "A refresh at the provider, from the lease taken to the tokens committed",
      ...SECONDS,
    }),
    refreshOutcomes: meter.createCounter("connections.refresh.outcomes", {
      description:
        "Refreshes by outcome: refreshed, retry (transient) or reconnect (needs the user)",
      unit: "{refresh}",
    }),
    leaseWait: meter.createHistogram("connections.refresh.lease_wait.duration", {
      description: "Time a read waited for another instance's refresh of the same connection",
      ...SECONDS,
    }),
    httpClientDuration: meter.createHistogram("http.client.request.duration", {
      description: "Requests to providers, authorization servers, MCP servers and webhooks",
      ...SECONDS,
    }),
    workerTick: meter.createHistogram("connections.worker.tick.duration", {
      description: "One worker tick: the claims, the refreshes and checks, the webhook retries",
      ...SECONDS,
    }),
    workerClaimed: meter.createCounter("connections.worker.claimed", {
      description:
        "Work that was due and claimed by this instance's worker, by kind (a tick claims at most batchSize of each)",
      unit: "{item}",
    }),
    webhookDeliveries: meter.createCounter("connections.webhook.deliveries", {
      description: "Webhook delivery attempts by outcome",
      unit: "{delivery}",
    }),
  };
}

// Keyed by the global provider, so an SDK the host registers after this module loaded (or a
// test's new one) gets its own instruments at the next recording; the no-op provider has its own.
const byProvider = new WeakMap<MeterProvider, Instruments>();

function instruments(): Instruments {
  const provider = metrics.getMeterProvider();
  let found = byProvider.get(provider);
  if (!found) {
    found = create(provider);
    byProvider.set(provider, found);
  }
  return found;
}

export type RefreshOutcome = "refreshed" | "retry" | "reconnect";
export type WorkKind = "refresh" | "check" | "webhook";

/** What the kit measures. Attributes name providers and outcomes, never a tenant or a token. */
export const measure = {
  /**
   * Makes the instruments for the current provider, so the observable ones report before
   * anything else is recorded: called as the kit starts and at each worker tick.
   */
  attach(): void {
    instruments();
  },
  cacheRead(hit: boolean): void {
    if (hit) cacheCounts.hit++;
    else cacheCounts.miss++;
  },
  refresh(provider: string, outcome: RefreshOutcome, seconds: number): void {
    const attributes = { "connections.provider": provider, "connections.refresh.outcome": outcome };
    const found = instruments();
    found.refreshOutcomes.add(1, attributes);
    found.refreshDuration.record(seconds, attributes);
  },
  leaseWait(provider: string, seconds: number): void {
    instruments().leaseWait.record(seconds, { "connections.provider": provider });
  },
  httpClient(seconds: number, attributes: Attributes): void {
    instruments().httpClientDuration.record(seconds, attributes);
  },
  workerTick(seconds: number, claimed: Record<WorkKind, number>): void {
    const found = instruments();
    found.workerTick.record(seconds);
    for (const kind of Object.keys(claimed) as WorkKind[]) {
      found.workerClaimed.add(claimed[kind], { "connections.worker.kind": kind });
    }
  },
  webhookDelivery(outcome: "delivered" | "retrying" | "failed"): void {
    instruments().webhookDeliveries.add(1, { "connections.webhook.outcome": outcome });
  },
};
