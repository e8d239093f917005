import type { Context } from "hono";
import { ConnectionsError } from "../shared/errors";
import type { Identity } from "../shared/identity";

/** What every route sees: the caller, as the host's `identify()` said. */
export type Env = { Variables: { identity: Identity | null } };

/** The signed-in caller, or 401 `unauthenticated`. */
export function caller(c: Context<Env>): Identity {
  const identity = c.get("identity");
  if (!identity) throw new ConnectionsError("unauthenticated", "Sign in first");
  return identity;
}
