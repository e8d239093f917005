import { findConnectionByKey } from "../connections/repository";
import type { OAuthProvider } from "../providers/types";
import { ConnectionsError } from "../shared/errors";
import type { Identity } from "../shared/identity";
import type { Database } from "../store/store";

/**
 * A step-up asks for everything at once: the provider's scopes, those the connection the caller
 * was using holds (their own, else the workspace's, as getCredential picks) and the new ones, so
 * consenting to more never loses what was granted. A new scope must be one the provider lists
 * in `extraScopes`: the page names scopes, the host decides which it may hold.
 */
export async function stepUpScopes(
  db: Database,
  identity: Identity,
  provider: OAuthProvider,
  visibility: "user" | "workspace",
  needed: string[],
): Promise<string[]> {
  const key = { tenantId: identity.tenantId, provider: provider.name, userId: identity.userId };
  const workspace = () => findConnectionByKey(db, { ...key, visibility: "workspace" });
  const existing =
    visibility === "user"
      ? ((await findConnectionByKey(db, { ...key, visibility: "user" })) ?? (await workspace()))
      : await workspace();
  const held = new Set([...provider.scopes, ...(existing?.scopes ?? [])]);
  const allowed = provider.extraScopes ?? [];
  const refused = needed.filter(
    (scope) => !held.has(scope) && allowed !== "any" && !allowed.includes(scope),
  );
  if (refused.length > 0) {
    throw new ConnectionsError(
      "invalid_request",
      `scopes: ${provider.displayName} is not set up to ask for ${refused.join(", ")}`,
      { provider: provider.name },
    );
  }
  return [...new Set([...held, ...needed])];
}
