import * as oauth from "oauth4webapi";
import type { Identity } from "../identity";
import type { OAuthProvider } from "../providers/types";
import type { OAuthFlowRow } from "../store/schema";
import type { Database } from "../store/store";
import type { Vault } from "../vault";
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
  const url = new URL(provider.authorizationEndpoint);
  url.searchParams.set("response_type", "code");
  url.searchParams.set("client_id", provider.clientId ?? "");
  url.searchParams.set("redirect_uri", input.redirectUri);
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
