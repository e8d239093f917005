import * as oauth from "oauth4webapi";
import type { OAuthCredential } from "../connections/credential";
import type { OAuthProvider } from "../providers/types";
import { inSpan } from "../telemetry";
import {
  authorizationServerOf,
  clientAuthOf,
  clientOf,
  requestOptions,
  resourceParameters,
} from "./authorization-server";
import type { FlowSecrets } from "./authorization-url";
import { credentialFromTokens, grantedScopes } from "./tokens";

export type CodeExchange = {
  /** The redirect back, as it arrived: its `code`, `state`, `iss` or `error`. */
  callbackUrl: URL;
  /** The state the flow was started with. */
  state: string;
  /** The redirect URI named in the authorization request (RFC 6749 §4.1.3). */
  redirectUri: string;
  secrets: FlowSecrets;
  /** What was asked for: the grant is that when the answer names no `scope` (RFC 6749 §5.1). */
  requestedScopes: string[];
  timeoutMs: number;
};

/**
 * The callback's code for tokens: the response is checked first (state, `iss` per RFC 9207,
 * an `error` as AuthorizationResponseError), then redeemed with the PKCE verifier (RFC 7636
 * §4.5) and the resource (RFC 8707 §2.2), and the ID token's nonce checked for OpenID.
 */
export function exchangeCode(
  ...args: Parameters<typeof exchangeCodeUntraced>
): Promise<{ credential: OAuthCredential; scopes: string[] }> {
  return inSpan("connections.oauth.exchange_code", { "connections.provider": args[0].name }, () =>
    exchangeCodeUntraced(...args),
  );
}

async function exchangeCodeUntraced(
  provider: OAuthProvider,
  exchange: CodeExchange,
): Promise<{ credential: OAuthCredential; scopes: string[] }> {
  const as = authorizationServerOf(provider);
  const client = clientOf(provider);
  const parameters = oauth.validateAuthResponse(as, client, exchange.callbackUrl, exchange.state);
  const response = await oauth.authorizationCodeGrantRequest(
    as,
    client,
    clientAuthOf(provider),
    parameters,
    exchange.redirectUri,
    exchange.secrets.codeVerifier ?? oauth.nopkce,
    {
      ...requestOptions(provider.tokenEndpoint, exchange.timeoutMs, provider),
      ...resourceParameters(provider),
    },
  );
  const tokens = await oauth.processAuthorizationCodeResponse(as, client, response, {
    expectedNonce: exchange.secrets.oidcNonce ?? oauth.expectNoNonce,
    requireIdToken: Boolean(provider.openid),
  });
  return {
    credential: credentialFromTokens(tokens),
    scopes: grantedScopes(tokens, exchange.requestedScopes, provider.scopeSeparator),
  };
}
