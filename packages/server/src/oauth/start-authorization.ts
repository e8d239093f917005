import * as oauth from "oauth4webapi";
import { ConnectionsError } from "../errors";
import type { Identity } from "../identity";
import type { OAuthProvider } from "../providers/types";
import type { OAuthFlowRow } from "../store/schema";
import type { Database } from "../store/store";
import type { Vault } from "../vault";
import { issuerOf } from "./authorization-server";
import { insertFlow } from "./flows-repository";
import { hashState, newId, randomToken } from "./random";

/** RFC 9700 §4.7: state lives ten minutes at most. */
export const FLOW_LIFETIME_MS = 10 * 60 * 1000;

export type StartAuthorizationInput = {
  provider: OAuthProvider;
  identity: Identity;
  redirectUri: string;
  mode: "popup" | "redirect";
  visibility: "user" | "workspace";
  returnTo: string | null;
  /** Instead of the provider's scopes (a step-up asks for the union). */
  scopes?: string[];
};

export type FlowSecrets = { codeVerifier: string | null; oidcNonce: string | null };

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

export async function startAuthorization(
  db: Database,
  vault: Vault,
  input: StartAuthorizationInput,
): Promise<{ authorizeUrl: string; flowId: string; nonce: string }> {
  const { provider, identity } = input;
  const state = randomToken();
  const flowId = newId();
  const messageNonce = randomToken();
  const secrets: FlowSecrets = {
    codeVerifier: provider.pkce ? oauth.generateRandomCodeVerifier() : null,
    oidcNonce: provider.openid ? oauth.generateRandomNonce() : null,
  };
  const url = authorizeUrlBase(provider);
  const redirectUri = provider.redirectUri ?? input.redirectUri;
  url.searchParams.set("response_type", "code");
  url.searchParams.set("client_id", provider.clientId ?? "");
  url.searchParams.set("redirect_uri", redirectUri);
  const scopes = input.scopes ?? provider.scopes;
  if (scopes.length > 0) url.searchParams.set("scope", scopes.join(provider.scopeSeparator));
  url.searchParams.set("state", state);
  if (secrets.codeVerifier) {
    url.searchParams.set(
      "code_challenge",
      await oauth.calculatePKCECodeChallenge(secrets.codeVerifier),
    );
    url.searchParams.set("code_challenge_method", "S256");
  }
  if (secrets.oidcNonce) url.searchParams.set("nonce", secrets.oidcNonce);
  if (provider.resource) url.searchParams.set("resource", provider.resource);
  for (const [name, value] of Object.entries(provider.authorizeParams ?? {})) {
    url.searchParams.set(name, value);
  }
  await insertFlow(db, {
    id: flowId,
    stateHash: hashState(state),
    tenantId: identity.tenantId,
    userId: identity.userId,
    provider: provider.name,
    visibility: input.visibility,
    mode: input.mode,
    returnTo: input.returnTo,
    scopes: input.scopes ?? null,
    issuer: issuerOf(provider),
    tokenEndpoint: provider.tokenEndpoint,
    redirectUri,
    messageNonce,
    sealedSecrets: await vault.sealJson(
      flowScope({
        tenantId: identity.tenantId,
        id: flowId,
        userId: identity.userId,
        provider: provider.name,
        visibility: input.visibility,
      }),
      secrets,
    ),
    expiresAt: new Date(Date.now() + FLOW_LIFETIME_MS),
  });
  return { authorizeUrl: url.toString(), flowId, nonce: messageNonce };
}

/**
 * The browser is sent wherever this says, in the app's own popup or tab: anything but http(s)
 * (`javascript:`, `data:`) would run in the app's origin. Metadata is checked when it is read;
 * this is the last depth before the URL leaves the server.
 */
function authorizeUrlBase(provider: OAuthProvider): URL {
  const url = URL.canParse(provider.authorizationEndpoint)
    ? new URL(provider.authorizationEndpoint)
    : null;
  if (url?.protocol !== "https:" && url?.protocol !== "http:") {
    throw new ConnectionsError(
      "unsafe_url",
      `${provider.displayName}'s authorization endpoint is not an http(s) URL`,
      { provider: provider.name },
    );
  }
  return url;
}
