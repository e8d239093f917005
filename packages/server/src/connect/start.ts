import { assertMayManage } from "../connections/access";
import { issuerOf } from "../oauth/authorization-server";
import { authorizationUrl, newFlowSecrets } from "../oauth/authorization-url";
import type { ProviderRegistry } from "../providers/registry";
import { isConfigured } from "../providers/types";
import { ConnectionsError } from "../shared/errors";
import type { Identity } from "../shared/identity";
import { hashState, newId, randomToken } from "../shared/ids";
import type { Database } from "../store/store";
import { annotate, inSpan } from "../telemetry";
import type { Vault } from "../vault";
import { flowScope, insertFlow } from "./flows-repository";
import { safeReturnTo } from "./return-to";
import { stepUpScopes } from "./step-up";

/** RFC 9700 §4.7: state lives ten minutes at most. */
export const FLOW_LIFETIME_MS = 10 * 60 * 1000;

export type ConnectRequest = {
  mode: "popup" | "redirect";
  visibility: "user" | "workspace";
  returnTo?: string | undefined;
  /** A step-up: scopes to ask for on top of what the provider and the connection hold. */
  scopes?: string[] | undefined;
};

export type StartDeps = {
  db(): Promise<Database>;
  vault: Vault;
  providers: Pick<ProviderRegistry, "find" | "prepare">;
  /** The kit's one callback; a provider registered by the kit itself names its own. */
  redirectUri: string;
  /** The app's origin: `returnTo` must stay on it. */
  appOrigin: string;
};

export type Started = {
  authorizeUrl: string;
  flowId: string;
  nonce: string;
  /** Where the popup's result page is served, hence the only origin its message may come from. */
  resultOrigin: string;
};

/**
 * The start of a connect: which provider, whether the caller may, where to come back, what to
 * ask for; then a single-use state bound to the caller, sealed PKCE and OpenID secrets, and
 * the authorization URL (RFC 6749 §4.1.1, RFC 7636, RFC 9700 §2.1, §4.7).
 */
export function startConnect(...args: Parameters<typeof startConnectUntraced>): Promise<Started> {
  return inSpan("connections.connect.start", {}, () => startConnectUntraced(...args));
}

async function startConnectUntraced(
  deps: StartDeps,
  identity: Identity,
  name: string,
  request: ConnectRequest,
): Promise<Started> {
  const provider = await deps.providers.find(name, identity);
  if (!provider) throw new ConnectionsError("unknown_provider", "Unknown provider");
  annotate({ "connections.provider": provider.name });
  await deps.providers.prepare(provider, { rediscover: true });
  if (provider.kind !== "oauth2") {
    throw new ConnectionsError(
      "invalid_request",
      `${provider.displayName} takes a secret, not OAuth`,
      {
        provider: provider.name,
      },
    );
  }
  if (!isConfigured(provider)) {
    throw new ConnectionsError(
      "provider_not_configured",
      `${provider.displayName} needs its client id and secret set by the server admin`,
      { provider: provider.name },
    );
  }
  assertMayManage(identity, request.visibility);
  const tenantOnly = { tenantId: identity.tenantId };
  if (request.visibility === "workspace" && !(await deps.providers.find(name, tenantOnly))) {
    throw new ConnectionsError(
      "invalid_request",
      `${provider.displayName} was added for one user: it cannot carry a workspace connection`,
    );
  }
  const returnTo = safeReturnTo(request.returnTo, deps.appOrigin);
  if (request.returnTo !== undefined && returnTo === null) {
    throw new ConnectionsError(
      "invalid_request",
      "returnTo must be a path of this app, like /settings",
    );
  }
  const db = await deps.db();
  const scopes = request.scopes
    ? await stepUpScopes(db, identity, provider, request.visibility, request.scopes)
    : undefined;
  const state = randomToken();
  const secrets = newFlowSecrets(provider);
  const redirectUri = provider.redirectUri ?? deps.redirectUri;
  const url = await authorizationUrl(provider, {
    redirectUri,
    scopes: scopes ?? provider.scopes,
    state,
    secrets,
  });
  const flow = {
    id: newId(),
    tenantId: identity.tenantId,
    userId: identity.userId,
    provider: provider.name,
    visibility: request.visibility,
  };
  const messageNonce = randomToken();
  await insertFlow(db, {
    ...flow,
    stateHash: hashState(state),
    mode: request.mode,
    returnTo,
    scopes: scopes ?? null,
    issuer: issuerOf(provider),
    tokenEndpoint: provider.tokenEndpoint,
    redirectUri,
    messageNonce,
    sealedSecrets: await deps.vault.sealJson(flowScope(flow), secrets),
    expiresAt: new Date(Date.now() + FLOW_LIFETIME_MS),
  });
  return {
    authorizeUrl: url.toString(),
    flowId: flow.id,
    nonce: messageNonce,
    resultOrigin: new URL(redirectUri).origin,
  };
}
