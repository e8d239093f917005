import { and, asc, eq, inArray, lte, sql } from "drizzle-orm";
import { backoffMs } from "../credentials/schedule";
import type { ConnectionEvent } from "../events";
import { newId } from "../oauth/random";
import { type WebhookDeliveryRow, webhookDeliveries } from "../store/schema";
import type { Database } from "../store/store";
import { SIGNATURE_HEADER, signWebhook } from "./signature";

export type WebhookEndpoint = { url: string; secret: string };

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
    const db = await options.db();
    let status: number | null = null;
    let error: string | null = null;
    if (!secret) {
      error = "endpoint no longer configured";
    } else {
      try {
        const response = await fetch(delivery.url, {
          method: "POST",
          headers: {
            "content-type": "application/json",
            [SIGNATURE_HEADER]: signWebhook(secret, delivery.payload),
            "x-connections-delivery": delivery.id,
          },
          body: delivery.payload,
          signal: AbortSignal.timeout(options.timeoutMs),
          redirect: "manual",
        });
        await response.body?.cancel();
        status = response.status;
        if (!response.ok) error = `HTTP ${response.status}`;
      } catch (cause) {
        error = (cause as Error).name === "TimeoutError" ? "timed out" : "unreachable";
      }
    }
    const attempts = delivery.attempts + 1;
    const delivered = error === null;
    await db
      .update(webhookDeliveries)
      .set({
        attempts,
        lastStatus: status,
        lastError: error,
        status: delivered
          ? "delivered"
          : attempts >= MAX_ATTEMPTS || !secret
            ? "failed"
            : "pending",
        deliveredAt: delivered ? new Date() : null,
        nextAttemptAt: delivered ? null : new Date(Date.now() + backoffMs(attempts)),
      })
      .where(eq(webhookDeliveries.id, delivery.id));
  }

  return {
    get enabled() {
      return options.endpoints.length > 0;
    },
    /** Logs one delivery per endpoint and makes the first attempt right away. */
    async enqueue(event: ConnectionEvent): Promise<void> {
      if (options.endpoints.length === 0) return;
      const db = await options.db();
      const payload = JSON.stringify(event);
      const rows = await db
        .insert(webhookDeliveries)
        .values(
          options.endpoints.map((endpoint) => ({
            id: newId(),
            url: endpoint.url,
            eventType: event.type,
            payload,
            nextAttemptAt: new Date(Date.now() + options.timeoutMs * 2),
          })),
        )
        .returning();
      await Promise.all(rows.map(attempt));
    },
    /** Retries deliveries whose backoff has passed; instances share them with SKIP LOCKED. */
    async deliverDue(limit = 50): Promise<number> {
      const db = await options.db();
      const due = db
        .select({ id: webhookDeliveries.id })
        .from(webhookDeliveries)
        .where(
          and(
            eq(webhookDeliveries.status, "pending"),
            lte(webhookDeliveries.nextAttemptAt, sql`now()`),
          ),
        )
        .orderBy(asc(webhookDeliveries.nextAttemptAt))
        .limit(limit)
        .for("update", { skipLocked: true });
      const claimed = await db
        .update(webhookDeliveries)
        .set({ nextAttemptAt: sql`now() + ${options.timeoutMs * 2} * interval '1 millisecond'` })
        .where(inArray(webhookDeliveries.id, due))
        .returning();
      await Promise.all(claimed.map(attempt));
      return claimed.length;
    },
    /** The delivery log, newest first. */
    async deliveries(limit = 100): Promise<WebhookDeliveryRow[]> {
      const db = await options.db();
      return db
        .select()
        .from(webhookDeliveries)
        .orderBy(sql`${webhookDeliveries.createdAt} desc`)
        .limit(limit);
    },
  };
}

export type WebhookSender = ReturnType<typeof createWebhookSender>;
