import * as oauth from "oauth4webapi";
import type { OAuthProvider } from "../providers/types";
import {
  authorizationServerOf,
  clientAuthOf,
  clientOf,
  requestOptions,
} from "./authorization-server";

/** RFC 7009: revoking the refresh token revokes the grant. Resolves when the provider confirmed. */
export async function revokeToken(
  provider: OAuthProvider & { revocationEndpoint: string },
  token: string,
  timeoutMs: number,
): Promise<void> {
  const response = await oauth.revocationRequest(
    authorizationServerOf(provider),
    clientOf(provider),
    clientAuthOf(provider),
    token,
    requestOptions(provider.revocationEndpoint, timeoutMs, provider),
  );
  await oauth.processRevocationResponse(response);
}
