import { assertMayManage } from "../connections/access";
import { saveConnection } from "../connections/repository";
import { isProviderName } from "../providers/names";
import type { Provider } from "../providers/types";
import { isHeaderSafe } from "../shared/credential-header";
import { ConnectionsError } from "../shared/errors";
import type { Identity } from "../shared/identity";
import type { ConnectionRow } from "../store/schema";
import type { Database } from "../store/store";
import type { Vault } from "../vault";

export type SecretInput = {
  provider: string;
  secret: string;
  visibility: "user" | "workspace";
  name?: string | undefined;
};

/**
 * A secret a user pasted, for a secret provider of the host's. A second key for the same
 * provider replaces the first (the same connection, not a new one).
 */
export async function saveSecret(
  deps: {
    db(): Promise<Database>;
    vault: Vault;
    providers: ReadonlyMap<string, Provider>;
    onSaved(row: ConnectionRow, created: boolean): void;
  },
  identity: Identity,
  input: SecretInput,
): Promise<{ row: ConnectionRow; created: boolean }> {
  const provider = isProviderName(input.provider) ? deps.providers.get(input.provider) : undefined;
  if (!provider) {
    throw new ConnectionsError("unknown_provider", `Unknown provider ${input.provider}`);
  }
  if (provider.kind !== "secret") {
    throw new ConnectionsError(
      "invalid_request",
      `${provider.displayName} connects with OAuth, not a secret`,
      { provider: provider.name },
    );
  }
  assertMayManage(identity, input.visibility);
  // It is sent in a header: a line break would split it, and fetch would quote it in its error.
  if (!isHeaderSafe(input.secret)) {
    throw new ConnectionsError(
      "invalid_secret",
      "The secret may hold only printable ASCII characters, with no spaces at either end",
      { provider: provider.name },
    );
  }
  const problem = await provider.validate?.(input.secret);
  if (problem) throw new ConnectionsError("invalid_secret", problem, { provider: provider.name });
  const saved = await saveConnection(await deps.db(), deps.vault, {
    tenantId: identity.tenantId,
    provider: provider.name,
    visibility: input.visibility,
    userId: identity.userId,
    credential: { type: "secret", secret: input.secret },
    scopes: [],
    name: input.name ?? provider.displayName,
    handle: null,
    accountId: null,
    expiresAt: null,
    nextRefreshAt: null,
    nextCheckAt: null,
  });
  deps.onSaved(saved.row, saved.created);
  return saved;
}
