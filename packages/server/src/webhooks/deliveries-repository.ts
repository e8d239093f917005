import { eq, sql } from "drizzle-orm";
import { newId } from "../shared/ids";
import { defineClaim } from "../store/claim-due";
import { type WebhookDeliveryRow, webhookDeliveries } from "../store/schema";
import type { Database } from "../store/store";

/** One pending delivery per endpoint, due again in `retryInMs` should the first attempt stall. */
export function insertDeliveries(
  db: Database,
  deliveries: { url: string; eventType: string; payload: string }[],
  retryInMs: number,
): Promise<WebhookDeliveryRow[]> {
  const nextAttemptAt = new Date(Date.now() + retryInMs);
  return db
    .insert(webhookDeliveries)
    .values(deliveries.map((delivery) => ({ id: newId(), ...delivery, nextAttemptAt })))
    .returning();
}

export async function recordAttempt(
  db: Database,
  id: string,
  outcome: Pick<
    WebhookDeliveryRow,
    "attempts" | "lastStatus" | "lastError" | "status" | "deliveredAt" | "nextAttemptAt"
  >,
): Promise<void> {
  await db.update(webhookDeliveries).set(outcome).where(eq(webhookDeliveries.id, id));
}

const claimPending = defineClaim(webhookDeliveries, {
  name: "x_claim_due_deliveries",
  id: webhookDeliveries.id,
  due: webhookDeliveries.nextAttemptAt,
  dueKey: "nextAttemptAt",
  where: eq(webhookDeliveries.status, "pending"),
});

/** Pending deliveries whose backoff has passed, claimed for this instance (see defineClaim). */
export function claimDueDeliveries(
  db: Database,
  limit: number,
  claimMs: number,
): Promise<WebhookDeliveryRow[]> {
  return claimPending(db, limit, claimMs);
}

/** The delivery log, newest first. */
export function listDeliveries(db: Database, limit: number): Promise<WebhookDeliveryRow[]> {
  return db
    .select()
    .from(webhookDeliveries)
    .orderBy(sql`${webhookDeliveries.createdAt} desc`)
    .limit(limit);
}
