import { and, eq, isNull, lt } from "drizzle-orm";
import { type OAuthFlowRow, oauthFlows } from "../store/schema";
import type { Database } from "../store/store";

export type NewFlow = typeof oauthFlows.$inferInsert;

/** A flow's secrets open only for its tenant, row, user, provider and visibility. */
export function flowScope(
  flow: Pick<OAuthFlowRow, "tenantId" | "id" | "userId" | "provider" | "visibility">,
) {
  return {
    tenantId: flow.tenantId,
    recordId: flow.id,
    purpose: "flow",
    bindings: [flow.provider, flow.visibility, flow.userId],
  };
}

export async function insertFlow(db: Database, flow: NewFlow): Promise<void> {
  await db.insert(oauthFlows).values(flow);
}

/** The live flow a state names, without spending it. */
export async function findUnconsumedFlow(
  db: Database,
  stateHash: string,
): Promise<OAuthFlowRow | undefined> {
  const [row] = await db
    .select()
    .from(oauthFlows)
    .where(and(eq(oauthFlows.stateHash, stateHash), isNull(oauthFlows.consumedAt)))
    .limit(1);
  return row;
}

/**
 * Marks the flow consumed and returns it, in one statement: two callbacks racing with the same
 * state cannot both win, so a state is single use even across instances. Only the user who
 * started it can spend it: anyone else holding the callback URL cannot burn the flow.
 */
export async function consumeFlow(
  db: Database,
  stateHash: string,
  owner: { tenantId: string; userId: string },
): Promise<OAuthFlowRow | undefined> {
  const [row] = await db
    .update(oauthFlows)
    .set({ consumedAt: new Date() })
    .where(
      and(
        eq(oauthFlows.stateHash, stateHash),
        isNull(oauthFlows.consumedAt),
        eq(oauthFlows.tenantId, owner.tenantId),
        eq(oauthFlows.userId, owner.userId),
      ),
    )
    .returning();
  return row;
}

export async function finishFlow(
  db: Database,
  id: string,
  outcome: { status: "success"; connectionId: string } | { status: "error"; errorCode: string },
): Promise<void> {
  await db
    .update(oauthFlows)
    .set(
      outcome.status === "success"
        ? { status: "success", connectionId: outcome.connectionId }
        : { status: "error", errorCode: outcome.errorCode },
    )
    .where(eq(oauthFlows.id, id));
}

export async function findFlow(db: Database, id: string): Promise<OAuthFlowRow | undefined> {
  const [row] = await db.select().from(oauthFlows).where(eq(oauthFlows.id, id)).limit(1);
  return row;
}

/** Flows are only needed for minutes; old ones are swept so the table stays small. */
export async function deleteExpiredFlows(db: Database, olderThan: Date): Promise<void> {
  await db.delete(oauthFlows).where(lt(oauthFlows.expiresAt, olderThan));
}
