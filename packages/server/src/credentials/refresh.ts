import * as oauth from "oauth4webapi";
import type { OAuthCredential } from "../connections/credential";
import {
  findConnectionById,
  markAuthFailed,
  updateRefreshedCredential,
} from "../connections/repository";
import { toConnection } from "../connections/view";
import { ConnectionsError, ReauthRequiredError } from "../errors";
import {
  authorizationServerOf,
  clientAuthOf,
  clientOf,
  requestOptions,
} from "../oauth/authorization-server";
import { isInvalidGrant, toProviderError } from "../oauth/provider-errors";
import { credentialFromTokens } from "../oauth/tokens";
import type { OAuthProvider } from "../providers/types";
import type { Runtime } from "../runtime";
import type { ConnectionRow } from "../store/schema";

export type Refreshed = { row: ConnectionRow; credential: OAuthCredential };

/**
 * Redeems the refresh token once. The new credential (with a rotated refresh token) is sealed and
 * committed before anyone is handed the new access token. `invalid_grant` marks the connection
 * failed, but only after re-reading the row: another instance may already have rotated it.
 */
export async function refreshCredential(
  runtime: Runtime,
  provider: OAuthProvider,
  row: ConnectionRow,
  credential: OAuthCredential,
): Promise<Refreshed> {
  if (!credential.refreshToken) {
    throw new ReauthRequiredError(provider.name);
  }
  const db = await runtime.db();
  const as = authorizationServerOf(provider);
  const client = clientOf(provider);
  let tokens: oauth.TokenEndpointResponse;
  try {
    const response = await oauth.refreshTokenGrantRequest(
      as,
      client,
      clientAuthOf(provider),
      credential.refreshToken,
      requestOptions(provider.tokenEndpoint, runtime.timeoutMs),
    );
    tokens = await oauth.processRefreshTokenResponse(as, client, response);
  } catch (error) {
    if (isInvalidGrant(error)) {
      const current = await findConnectionById(db, row.id);
      if (current && current.revision !== row.revision) {
        throw new RotatedElsewhere();
      }
      const failed = await markAuthFailed(db, row.id);
      if (failed)
        runtime.emit({ type: "connection.auth_failed", connection: toConnection(failed) });
      throw new ReauthRequiredError(provider.name);
    }
    throw toProviderError(error, provider.name);
  }
  const next = credentialFromTokens(tokens, credential);
  const expiresAt = next.expiresAt ? new Date(next.expiresAt) : null;
  const updated = await updateRefreshedCredential(db, runtime.vault, row, next, expiresAt);
  if (!updated) throw new RotatedElsewhere();
  runtime.emit({ type: "connection.refreshed", connection: toConnection(updated) });
  return { row: updated, credential: next };
}

/** The row changed while we refreshed: read it again instead of trusting our copy. */
export class RotatedElsewhere extends ConnectionsError {
  constructor() {
    super("rotated_elsewhere", "The connection was refreshed concurrently");
  }
}
