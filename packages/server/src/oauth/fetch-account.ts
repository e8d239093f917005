import type { AccountIdentity, CredentialView, OAuthProvider } from "../providers/types";
import { bearerAuthorization } from "../shared/credential-header";
import { ConnectionsError } from "../shared/errors";
import { guardedResponse, MAX_RESPONSE_BYTES, readLimited } from "../shared/outbound";
import { tracedRequest } from "../telemetry";
import { isLoopbackHttp } from "./authorization-server";

const EMPTY: AccountIdentity = { accountId: null, name: null, handle: null };

export type AccountResult =
  | { ok: true; identity: AccountIdentity }
  | { ok: false; status: number | "unreachable" };

/** Where to ask: the record's URL, unless a quirk derives it from the credential. */
export function identityUrlOf(provider: OAuthProvider, credential: CredentialView): string | null {
  if (!provider.identity) return null;
  return provider.quirks?.identityUrl?.(credential) ?? provider.identity.url;
}

/** Asks the provider's identity endpoint who the token belongs to (to name the connection). */
export async function fetchAccount(
  provider: OAuthProvider,
  credential: CredentialView,
  timeoutMs: number,
): Promise<AccountResult> {
  if (!identityUrlOf(provider, credential)) return { ok: true, identity: EMPTY };
  try {
    return await readAccount(provider, await accountResponse(provider, credential, timeoutMs));
  } catch {
    return { ok: false, status: "unreachable" };
  }
}

/**
 * The identity endpoint's answer, read under the size cap (it is a stranger's as much as the
 * token endpoint), with the status a provider's quirk says it means: Slack reports a dead token
 * inside a 200, which is answered here as the 401 it is. Throws when there is no answer.
 */
export async function accountResponse(
  provider: OAuthProvider,
  credential: CredentialView,
  timeoutMs: number,
): Promise<Response> {
  const url = identityUrlOf(provider, credential);
  if (!provider.identity || !url || (!url.startsWith("https:") && !isLoopbackHttp(url))) {
    throw new ConnectionsError(
      "provider_unreachable",
      `${provider.displayName} has no identity endpoint`,
    );
  }
  const authorization = bearerAuthorization(credential.accessToken, provider.name);
  const init: RequestInit = {
    headers: { ...provider.identity.headers, authorization, accept: "application/json" },
    signal: AbortSignal.timeout(timeoutMs),
  };
  const labels = { provider: provider.name, operation: "identity" } as const;
  const response = await tracedRequest("GET", new URL(url), labels, () =>
    provider.outbound ? guardedResponse(new URL(url), init, provider.outbound) : fetch(url, init),
  );
  if (!response.ok) {
    await response.body?.cancel();
    return new Response(null, { status: response.status });
  }
  const text = Buffer.from(await readLimited(response, MAX_RESPONSE_BYTES, new URL(url).origin));
  const status = provider.quirks?.identityStatus?.(JSON.parse(text.toString("utf8"))) ?? 200;
  return new Response(status === 200 ? text : null, {
    status,
    headers: { "content-type": "application/json" },
  });
}

/** Who the account is, from a 200 of accountResponse; any other status as it came. */
export async function readAccount(
  provider: OAuthProvider,
  response: Response,
): Promise<AccountResult> {
  if (response.status !== 200 || !provider.identity) {
    await response.body?.cancel();
    return { ok: false, status: response.status };
  }
  return { ok: true, identity: provider.identity.parse(await response.json()) };
}
