import * as oauth from "oauth4webapi";
import type { OAuthCredential } from "../connections/credential";
import type { OAuthProvider } from "../providers/types";
import {
  authorizationServerOf,
  clientAuthOf,
  clientOf,
  requestOptions,
  resourceParameters,
} from "./authorization-server";
import { credentialFromTokens } from "./tokens";

/**
 * Redeems the refresh token (RFC 6749 §6, with the resource of RFC 8707 §2.2) and returns the
 * next credential; one answered without a new refresh token keeps the old one.
 */
export async function refreshTokens(
  provider: OAuthProvider,
  previous: OAuthCredential & { refreshToken: string },
  timeoutMs: number,
): Promise<OAuthCredential> {
  const as = authorizationServerOf(provider);
  const client = clientOf(provider);
  const response = await oauth.refreshTokenGrantRequest(
    as,
    client,
    clientAuthOf(provider),
    previous.refreshToken,
    {
      ...requestOptions(provider.tokenEndpoint, timeoutMs, provider),
      ...resourceParameters(provider),
    },
  );
  return credentialFromTokens(
    await oauth.processRefreshTokenResponse(as, client, response),
    previous,
  );
}
