import * as oauth from "oauth4webapi";
import { saveConnection } from "../connections/repository";
import { type ScheduleSettings, scheduleFor } from "../credentials/schedule";
import { ConnectionsError } from "../errors";
import type { Identity } from "../identity";
import type { ProviderOwner } from "../mcp/servers";
import type { OAuthProvider, Provider } from "../providers/types";
import type { ConnectionRow, OAuthFlowRow } from "../store/schema";
import type { Database } from "../store/store";
import { isStoreUnavailable, storeUnavailableError } from "../store/unavailable";
import type { Vault } from "../vault";
import {
  authorizationServerOf,
  clientAuthOf,
  clientOf,
  issuerOf,
  requestOptions,
  resourceParameters,
} from "./authorization-server";
import { consumeFlow, findUnconsumedFlow, finishFlow } from "./flows-repository";
import { fetchIdentity } from "./identity";
import { toProviderError } from "./provider-errors";
import { hashState } from "./random";
import { callbackKeyOf } from "./redirect-uris";
import { type FlowSecrets, flowScope } from "./start-authorization";
import { credentialFromTokens, grantedScopes } from "./tokens";

export type CompleteAuthorizationInput = {
  callbackUrl: URL;
  /** The per-issuer key of the callback path it arrived on, null for the plain callback. */
  arrivedKey: string | null;
  identity: Identity | null;
  /** The kit's one callback, for flows that recorded none. */
  redirectUri: string;
  /** The host's providers and the MCP servers the flow's tenant added. */
  findProvider(name: string, owner: ProviderOwner): Promise<Provider | undefined>;
  timeoutMs: number;
  schedule: ScheduleSettings;
};

export type CompletedAuthorization = {
  flow: OAuthFlowRow;
  row: ConnectionRow;
  created: boolean;
  previous: ConnectionRow | undefined;
};

export class FlowError extends ConnectionsError {
  constructor(
    readonly flow: OAuthFlowRow | undefined,
    cause: ConnectionsError,
  ) {
    super(cause.code, cause.message, { provider: cause.provider ?? flow?.provider, cause });
    this.name = "FlowError";
  }
}

const invalidState = (reason: string) =>
  new ConnectionsError("invalid_state", `This sign-in link is not valid: ${reason}. Start again.`);

/**
 * The redirect back from the provider. The state is consumed before anything else, so a code or
 * state can be tried once only (RFC 9700 §4.2, §4.5); it must belong to the signed-in user who
 * started the flow (§4.7), and the response's issuer must be the provider's (RFC 9207, §4.4).
 */
export async function completeAuthorization(
  db: Database,
  vault: Vault,
  input: CompleteAuthorizationInput,
): Promise<CompletedAuthorization> {
  const params = input.callbackUrl.searchParams;
  const state = params.get("state");
  if (!state) throw new FlowError(undefined, invalidState("it has no state"));
  const stateHash = hashState(state);
  const found = await findUnconsumedFlow(db, stateHash);
  if (!found) throw new FlowError(undefined, invalidState("it was already used or never issued"));
  // Someone else holding the callback URL learns nothing of the flow and cannot spend it.
  const caller = input.identity;
  if (!caller || caller.userId !== found.userId || caller.tenantId !== found.tenantId) {
    throw new FlowError(undefined, invalidState("it was started by someone else"));
  }
  const flow = await consumeFlow(db, stateHash, caller);
  if (!flow) throw new FlowError(undefined, invalidState("it was already used or never issued"));
  try {
    if (flow.expiresAt.getTime() < Date.now()) throw invalidState("it expired");
    const provider = await input.findProvider(flow.provider, flow);
    if (provider?.kind !== "oauth2") {
      throw new ConnectionsError("unknown_provider", `Unknown provider ${flow.provider}`);
    }
    assertSameAuthorizationServer(flow, provider, input);
    const completed = await exchangeAndSave(db, vault, { ...input, flow, provider, state });
    await finishFlow(db, flow.id, { status: "success", connectionId: completed.row.id });
    return { flow, ...completed };
  } catch (error) {
    const failure = await failureOf(error, flow, input);
    await finishFlow(db, flow.id, { status: "error", errorCode: failure.code }).catch(
      (finishing: unknown) => {
        // Still no database: the flow stays unfinished until it expires, and the page still tells
        // the user what happened.
        if (!isStoreUnavailable(finishing)) throw finishing;
      },
    );
    throw new FlowError(flow, failure);
  }
}

/**
 * The code goes back only to the authorization server the user was sent to, and only if it came
 * back to the redirect URI named there (RFC 9700 §4.4.2.2): an MCP server whose metadata now
 * names another server, or a code issued for another issuer's callback, is refused before any
 * token request.
 */
function assertSameAuthorizationServer(
  flow: OAuthFlowRow,
  provider: OAuthProvider,
  input: CompleteAuthorizationInput,
): void {
  const sameIssuer = flow.issuer === null || flow.issuer === issuerOf(provider);
  const sameCallback = callbackKeyOf(flow.redirectUri ?? input.redirectUri) === input.arrivedKey;
  if (!sameIssuer || !sameCallback) {
    throw new ConnectionsError(
      "issuer_mismatch",
      "The authorization response did not come from the server this sign-in was sent to",
      { provider: provider.name },
    );
  }
}

/** The database going away mid-flow is its own failure, not the provider's. */
async function failureOf(
  error: unknown,
  flow: OAuthFlowRow,
  input: CompleteAuthorizationInput,
): Promise<ConnectionsError> {
  if (!(error instanceof ConnectionsError) && isStoreUnavailable(error)) {
    return storeUnavailableError();
  }
  const provider = await input.findProvider(flow.provider, flow).catch(() => undefined);
  return toProviderError(error, flow.provider, provider?.displayName);
}

async function exchangeAndSave(
  db: Database,
  vault: Vault,
  input: CompleteAuthorizationInput & {
    flow: OAuthFlowRow;
    provider: OAuthProvider;
    state: string;
  },
) {
  const { flow, provider } = input;
  const as = authorizationServerOf(provider);
  const client = clientOf(provider);
  const callbackParameters = oauth.validateAuthResponse(as, client, input.callbackUrl, input.state);
  const secrets = await vault.openJson<FlowSecrets>(flowScope(flow), flow.sealedSecrets);
  const response = await oauth.authorizationCodeGrantRequest(
    as,
    client,
    clientAuthOf(provider),
    callbackParameters,
    flow.redirectUri ?? input.redirectUri,
    secrets.codeVerifier ?? oauth.nopkce,
    {
      ...requestOptions(provider.tokenEndpoint, input.timeoutMs, provider),
      ...resourceParameters(provider),
    },
  );
  const tokens = await oauth.processAuthorizationCodeResponse(as, client, response, {
    expectedNonce: secrets.oidcNonce ?? oauth.expectNoNonce,
    requireIdToken: Boolean(provider.openid),
  });
  const credential = credentialFromTokens(tokens);
  const who = await fetchIdentity(provider, credential, input.timeoutMs);
  if (!who.ok && who.status === 401) {
    throw new ConnectionsError("provider_error", `${provider.name} rejected the new token`, {
      provider: provider.name,
    });
  }
  const account = who.ok ? who.identity : { accountId: null, name: null, handle: null };
  return saveConnection(db, vault, {
    tenantId: flow.tenantId,
    provider: provider.name,
    visibility: flow.visibility,
    userId: flow.userId,
    credential,
    scopes: grantedScopes(tokens, flow.scopes ?? provider.scopes, provider.scopeSeparator),
    name: account.name,
    handle: account.handle,
    accountId: account.accountId,
    issuer: issuerOf(provider),
    tokenEndpoint: provider.tokenEndpoint,
    expiresAt: credential.expiresAt ? new Date(credential.expiresAt) : null,
    ...scheduleFor(credential, { ...input.schedule, hasIdentity: Boolean(provider.identity) }),
  });
}
