import type { ConnectionsErrorCode } from "../shared/errors";
import type { Identity } from "../shared/identity";
import type { Database } from "../store/store";
import { findFlow } from "./flows-repository";

export type FlowOutcome = {
  flowId: string;
  status: "pending" | "success" | "error";
  provider: string;
  connectionId?: string;
  error?: { code: ConnectionsErrorCode };
};

/**
 * How a flow ended, for the user who started it only: the client asks the server, since a
 * popup's `closed` lies under Cross-Origin-Opener-Policy.
 */
export async function flowOutcome(
  db: Database,
  identity: Identity,
  flowId: string,
): Promise<FlowOutcome | undefined> {
  const flow = await findFlow(db, flowId);
  if (!flow || flow.userId !== identity.userId || flow.tenantId !== identity.tenantId) return;
  return {
    flowId: flow.id,
    status: flow.status,
    provider: flow.provider,
    ...(flow.connectionId ? { connectionId: flow.connectionId } : {}),
    ...(flow.errorCode ? { error: { code: flow.errorCode as ConnectionsErrorCode } } : {}),
  };
}
