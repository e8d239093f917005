import { and, eq } from "drizzle-orm";
import type { ClientAuthMethod } from "../providers/types";
import { newId } from "../shared/ids";
import { mcpClientRegistrations } from "../store/schema";
import type { Database } from "../store/store";
import type { Vault } from "../vault";
import type { McpClient } from "./registration";

type SealedSecrets = { clientSecret?: string; registrationAccessToken?: string };

/** Registrations belong to the kit, not to a tenant: one reserved tenant seals them all. */
export const REGISTRATIONS_TENANT = "_kit";

// The issuer and redirect URI are bound too: a row relabelled to another issuer does not open,
// so its client secret is never sent there.
export const registrationScope = (row: { id: string; issuer: string; redirectUri: string }) => ({
  tenantId: REGISTRATIONS_TENANT,
  recordId: row.id,
  purpose: "registration",
  bindings: [row.issuer, row.redirectUri],
});

export async function findRegistration(
  db: Database,
  vault: Vault,
  key: { issuer: string; redirectUri: string },
): Promise<McpClient | null> {
  const [row] = await db
    .select()
    .from(mcpClientRegistrations)
    .where(
      and(
        eq(mcpClientRegistrations.issuer, key.issuer),
        eq(mcpClientRegistrations.redirectUri, key.redirectUri),
      ),
    );
  if (!row) return null;
  const secrets = await vault.openJson<SealedSecrets>(registrationScope(row), row.sealed);
  return {
    method: "dynamic",
    clientId: row.clientId,
    ...(secrets.clientSecret ? { clientSecret: secrets.clientSecret } : {}),
    clientAuth: row.tokenEndpointAuthMethod as ClientAuthMethod,
  };
}

/** Replaces the registration for this issuer; two instances racing both succeed, last wins. */
export async function saveRegistration(
  db: Database,
  vault: Vault,
  key: { issuer: string; redirectUri: string },
  client: McpClient,
  registrationAccessToken?: string,
): Promise<void> {
  const id = newId();
  const sealed = await vault.sealJson(registrationScope({ id, ...key }), {
    ...(client.clientSecret ? { clientSecret: client.clientSecret } : {}),
    ...(registrationAccessToken ? { registrationAccessToken } : {}),
  } satisfies SealedSecrets);
  await deleteRegistration(db, key);
  await db.insert(mcpClientRegistrations).values({
    id,
    issuer: key.issuer,
    redirectUri: key.redirectUri,
    clientId: client.clientId,
    tokenEndpointAuthMethod: client.clientAuth,
    sealed,
  });
}

export async function deleteRegistration(
  db: Database,
  key: { issuer: string; redirectUri: string },
): Promise<void> {
  await db
    .delete(mcpClientRegistrations)
    .where(
      and(
        eq(mcpClientRegistrations.issuer, key.issuer),
        eq(mcpClientRegistrations.redirectUri, key.redirectUri),
      ),
    );
}
