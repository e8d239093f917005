/** What a webhook carries: an event, as JSON. */
export type WebhookEvent = { type: string };

import { backoffMs } from "../shared/backoff";
import type { WebhookDeliveryRow } from "../store/schema";
import type { Database } from "../store/store";
import { measure, tracedRequest } from "../telemetry";
import {
  claimDueDeliveries,
  insertDeliveries,
  listDeliveries,
  recordAttempt,
} from "./deliveries-repository";
import { SIGNATURE_HEADER, signWebhook } from "./signature";

export type WebhookEndpoint = { url: string; secret: string };

/** One attempt to deliver one event to one endpoint, as `webhookDeliveries()` lists it. */
export type WebhookDelivery = {
  id: string;
  url: string;
  eventType: string;
  status: "pending" | "delivered" | "failed";
  attempts: number;
  /** The endpoint's HTTP status on the last attempt, if it answered. */
  lastStatus: number | null;
  /** "HTTP 500", "timed out", "unreachable"…: never the endpoint's body. */
  lastError: string | null;
  createdAt: string;
  deliveredAt: string | null;
  nextAttemptAt: string | null;
};

const MAX_ATTEMPTS = 8;

/**
 * Every event goes to every endpoint, signed, with a delivery log. A failed attempt is retried
 * with exponential backoff by the worker; after eight attempts the delivery is marked failed.
 */
export function createWebhookSender(options: {
  db: () => Promise<Database>;
  endpoints: WebhookEndpoint[];
  timeoutMs: number;
}) {
  const secrets = new Map(options.endpoints.map((endpoint) => [endpoint.url, endpoint.secret]));

  async function attempt(delivery: WebhookDeliveryRow): Promise<void> {
    const secret = secrets.get(delivery.url);
    let status: number | null = null;
    let error: string | null = null;
    if (!secret) {
      error = "endpoint no longer configured";
    } else {
      try {
        const target = new URL(delivery.url);
        const labels = { operation: "webhook" } as const;
        const response = await tracedRequest("POST", target, labels, () =>
          fetch(target, {
            method: "POST",
            headers: {
              "content-type": "application/json",
              [SIGNATURE_HEADER]: signWebhook(secret, delivery.payload),
              "x-connections-delivery": delivery.id,
            },
            body: delivery.payload,
            signal: AbortSignal.timeout(options.timeoutMs),
            redirect: "manual",
          }),
        );
        await response.body?.cancel();
        status = response.status;
        if (!response.ok) error = `HTTP ${response.status}`;
      } catch (cause) {
        error = (cause as Error).name === "TimeoutError" ? "timed out" : "unreachable";
      }
    }
    const attempts = delivery.attempts + 1;
    const delivered = error === null;
    const gaveUp = attempts >= MAX_ATTEMPTS || !secret;
    measure.webhookDelivery(delivered ? "delivered" : gaveUp ? "failed" : "retrying");
    await recordAttempt(await options.db(), delivery.id, {
      attempts,
      lastStatus: status,
      lastError: error,
      status: delivered ? "delivered" : gaveUp ? "failed" : "pending",
      deliveredAt: delivered ? new Date() : null,
      nextAttemptAt: delivered ? null : new Date(Date.now() + backoffMs(attempts)),
    });
  }

  return {
    get enabled() {
      return options.endpoints.length > 0;
    },
    /** Logs one delivery per endpoint and makes the first attempt right away. */
    async enqueue(event: WebhookEvent): Promise<void> {
      if (options.endpoints.length === 0) return;
      const payload = JSON.stringify(event);
      const rows = await insertDeliveries(
        await options.db(),
        options.endpoints.map(({ url }) => ({ url, eventType: event.type, payload })),
        options.timeoutMs * 2,
      );
      await Promise.all(rows.map(attempt));
    },
    /** Retries deliveries whose backoff has passed; instances share them with SKIP LOCKED. */
    async deliverDue(limit = 50): Promise<number> {
      const claimed = await claimDueDeliveries(await options.db(), limit, options.timeoutMs * 2);
      await Promise.all(claimed.map(attempt));
      return claimed.length;
    },
    /** The delivery log, newest first. */
    async deliveries(limit = 100): Promise<WebhookDelivery[]> {
      return (await listDeliveries(await options.db(), limit)).map(toDelivery);
    },
  };
}

export type WebhookSender = ReturnType<typeof createWebhookSender>;

function toDelivery(row: WebhookDeliveryRow): WebhookDelivery {
  return {
    id: row.id,
    url: row.url,
    eventType: row.eventType,
    status: row.status,
    attempts: row.attempts,
    lastStatus: row.lastStatus,
    lastError: row.lastError,
    createdAt: row.createdAt.toISOString(),
    deliveredAt: row.deliveredAt?.toISOString() ?? null,
    nextAttemptAt: row.nextAttemptAt?.toISOString() ?? null,
  };
}
