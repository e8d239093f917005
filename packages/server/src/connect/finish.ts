import { saveConnection } from "../connections/repository";
import { type ScheduleSettings, scheduleFor } from "../credentials/schedule";
import { issuerOf } from "../oauth/authorization-server";
import type { FlowSecrets } from "../oauth/authorization-url";
import { exchangeCode } from "../oauth/exchange-code";
import { fetchAccount } from "../oauth/fetch-account";
import { toProviderError } from "../oauth/provider-errors";
import { callbackKeyOf } from "../oauth/redirect-uris";
import type { ProviderLookup } from "../providers/registry";
import type { OAuthProvider } from "../providers/types";
import { ConnectionsError } from "../shared/errors";
import type { Identity } from "../shared/identity";
import { hashState } from "../shared/ids";
import type { ConnectionRow, OAuthFlowRow } from "../store/schema";
import type { Database } from "../store/store";
import { isStoreUnavailable, storeUnavailableError } from "../store/unavailable";
import { annotate, inSpan } from "../telemetry";
import type { Vault } from "../vault";
import { consumeFlow, findUnconsumedFlow, finishFlow, flowScope } from "./flows-repository";

export type FinishDeps = {
  db(): Promise<Database>;
  vault: Vault;
  findProvider: ProviderLookup;
  /** The kit's one callback, for flows that recorded none. */
  redirectUri: string;
  timeoutMs: number;
  schedule: ScheduleSettings;
  /** The connection is saved: a new one, or an existing one reconnected in place. */
  onConnected(done: Connected): void;
};

export type Callback = {
  callbackUrl: URL;
  /** The per-issuer key of the callback path it arrived on, null for the plain callback. */
  arrivedKey: string | null;
  identity: Identity | null;
};

export type Connected = {
  flow: OAuthFlowRow;
  row: ConnectionRow;
  created: boolean;
  previous: ConnectionRow | undefined;
};

/** A failed callback, with its flow when the caller may know of it (to answer the page). */
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
 * The redirect back from the provider. The state is spent only by the signed-in user who
 * started the flow (RFC 9700 §4.7), once (§4.2, §4.5); the answer must come from the
 * authorization server the user was sent to, back to the redirect URI named there (RFC 9207,
 * §4.4); then the code is exchanged, the account named, the connection saved and scheduled.
 */
export function finishConnect(
  ...args: Parameters<typeof finishConnectUntraced>
): Promise<Connected> {
  return inSpan("connections.connect.finish", {}, () => finishConnectUntraced(...args));
}

async function finishConnectUntraced(deps: FinishDeps, input: Callback): Promise<Connected> {
  const db = await deps.db();
  const state = input.callbackUrl.searchParams.get("state");
  if (!state) throw new FlowError(undefined, invalidState("it has no state"));
  const stateHash = hashState(state);
  const found = await findUnconsumedFlow(db, stateHash);
  // Someone else holding the callback URL learns nothing of the flow, not even that it is live,
  // and cannot spend it.
  const unusable = () => new FlowError(undefined, invalidState("it was used, or never issued"));
  if (!found) throw unusable();
  const caller = input.identity;
  if (!caller || caller.userId !== found.userId || caller.tenantId !== found.tenantId) {
    throw unusable();
  }
  const flow = await consumeFlow(db, stateHash, caller);
  if (!flow) throw unusable();
  annotate({ "connections.provider": flow.provider });
  try {
    if (flow.expiresAt.getTime() < Date.now()) throw invalidState("it expired");
    const provider = await deps.findProvider(flow.provider, flow);
    if (provider?.kind !== "oauth2") {
      throw new ConnectionsError("unknown_provider", `Unknown provider ${flow.provider}`);
    }
    assertSameAuthorizationServer(flow, provider, input.arrivedKey, deps.redirectUri);
    const saved = await exchangeAndSave(deps, db, {
      callbackUrl: input.callbackUrl,
      flow,
      provider,
      state,
    });
    await finishFlow(db, flow.id, { status: "success", connectionId: saved.row.id });
    const done = { flow, ...saved };
    deps.onConnected(done);
    return done;
  } catch (error) {
    const failure = await failureOf(deps, error, flow);
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
  arrivedKey: string | null,
  redirectUri: string,
): void {
  const sameIssuer = flow.issuer === null || flow.issuer === issuerOf(provider);
  // The code goes to the token endpoint the flow was started against, or to none.
  const sameEndpoint = flow.tokenEndpoint === null || flow.tokenEndpoint === provider.tokenEndpoint;
  const sameCallback = callbackKeyOf(flow.redirectUri ?? redirectUri) === arrivedKey;
  if (!sameIssuer || !sameEndpoint || !sameCallback) {
    throw new ConnectionsError(
      "issuer_mismatch",
      "The authorization response did not come from the server this sign-in was sent to",
      { provider: provider.name },
    );
  }
}

/** The database going away mid-flow is its own failure, not the provider's. */
async function failureOf(
  deps: FinishDeps,
  error: unknown,
  flow: OAuthFlowRow,
): Promise<ConnectionsError> {
  if (!(error instanceof ConnectionsError) && isStoreUnavailable(error)) {
    return storeUnavailableError();
  }
  const provider = await deps.findProvider(flow.provider, flow).catch(() => undefined);
  return toProviderError(error, flow.provider, provider?.displayName);
}

async function exchangeAndSave(
  deps: FinishDeps,
  db: Database,
  input: { callbackUrl: URL; flow: OAuthFlowRow; provider: OAuthProvider; state: string },
) {
  const { flow, provider } = input;
  const secrets = await deps.vault.openJson<FlowSecrets>(flowScope(flow), flow.sealedSecrets);
  const { credential, scopes } = await exchangeCode(provider, {
    callbackUrl: input.callbackUrl,
    state: input.state,
    redirectUri: flow.redirectUri ?? deps.redirectUri,
    secrets,
    requestedScopes: flow.scopes ?? provider.scopes,
    timeoutMs: deps.timeoutMs,
  });
  const who = await fetchAccount(provider, credential, deps.timeoutMs);
  if (!who.ok && who.status === 401) {
    throw new ConnectionsError("provider_error", `${provider.name} rejected the new token`, {
      provider: provider.name,
    });
  }
  const account = who.ok ? who.identity : { accountId: null, name: null, handle: null };
  return saveConnection(db, deps.vault, {
    tenantId: flow.tenantId,
    provider: provider.name,
    visibility: flow.visibility,
    userId: flow.userId,
    credential,
    scopes,
    name: account.name,
    handle: account.handle,
    accountId: account.accountId,
    issuer: issuerOf(provider),
    tokenEndpoint: provider.tokenEndpoint,
    expiresAt: credential.expiresAt ? new Date(credential.expiresAt) : null,
    ...scheduleFor(credential, { ...deps.schedule, hasIdentity: Boolean(provider.identity) }),
  });
}
