import { insufficientScopeOf } from "../oauth/bearer-challenge";
import { InsufficientScopeError } from "../shared/errors";
import type { CredentialResult } from "./reader";

/** Where a call gets its credential: the current one, and one forced refresh of it. */
export type CredentialSource = {
  provider: string;
  current(): Promise<CredentialResult>;
  refreshed(): Promise<CredentialResult>;
};

export type AuthorizedCall = {
  /** Sends the request with this credential (the caller builds the header with it). */
  send(credential: CredentialResult): Promise<Response>;
  /** False when the request cannot be sent twice (a streamed body): a 401 is then returned. */
  resendable?: boolean;
  /** False for calls where a 403 is the answer itself (a health check), not a step-up. */
  stepUp?: boolean;
};

/**
 * The one policy for every call the kit makes with a user's credential (`connections.fetch`,
 * the MCP transport, the health check): a 401 to an OAuth credential gets one forced refresh
 * and one retry with the refreshed token, as a token revoked early or a server that restarted
 * would need, never a loop; a 403 `insufficient_scope` (RFC 6750 §3.1) is an
 * InsufficientScopeError, which a new consent with more scopes fixes (a step-up). A secret is
 * sent once and its answer returned as it came: it can be neither refreshed nor stepped up.
 */
export async function authorizedFetch(
  source: CredentialSource,
  call: AuthorizedCall,
): Promise<Response> {
  const credential = await source.current();
  const first = await call.send(credential);
  if (credential.type !== "oauth2") return first;
  const retry = first.status === 401 && call.resendable !== false;
  if (!retry) return stepUp(source, call, first);
  await first.body?.cancel();
  return stepUp(source, call, await call.send(await source.refreshed()));
}

async function stepUp(
  source: CredentialSource,
  call: AuthorizedCall,
  response: Response,
): Promise<Response> {
  const needed = call.stepUp === false ? null : insufficientScopeOf(response);
  if (!needed) return response;
  await response.body?.cancel();
  throw new InsufficientScopeError(source.provider, needed);
}
