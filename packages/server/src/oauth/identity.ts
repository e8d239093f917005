import type { AccountIdentity, CredentialView, OAuthProvider } from "../providers/types";
import { bearerAuthorization } from "../shared/credential-header";
import { MAX_RESPONSE_BYTES, readLimited } from "../shared/outbound";
import { isLoopbackHttp } from "./authorization-server";

const EMPTY: AccountIdentity = { accountId: null, name: null, handle: null };

export type IdentityResult =
  | { ok: true; identity: AccountIdentity }
  | { ok: false; status: number | "unreachable" };

/** Where to ask: the record's URL, unless a quirk derives it from the credential. */
export function identityUrlOf(provider: OAuthProvider, credential: CredentialView): string | null {
  if (!provider.identity) return null;
  return provider.quirks?.identityUrl?.(credential) ?? provider.identity.url;
}

/** Asks the provider's identity endpoint who the token belongs to (to name and health-check). */
export async function fetchIdentity(
  provider: OAuthProvider,
  credential: CredentialView,
  timeoutMs: number,
): Promise<IdentityResult> {
  const url = identityUrlOf(provider, credential);
  if (!provider.identity || !url) return { ok: true, identity: EMPTY };
  if (!url.startsWith("https:") && !isLoopbackHttp(url))
    return { ok: false, status: "unreachable" };
  const authorization = bearerAuthorization(credential.accessToken, provider.name);
  try {
    if (provider.outboundGuard) await provider.outboundGuard(new URL(url));
    const response = await fetch(url, {
      headers: { ...provider.identity.headers, authorization, accept: "application/json" },
      redirect: provider.outboundGuard ? "manual" : "follow",
      signal: AbortSignal.timeout(timeoutMs),
    });
    if (!response.ok) {
      await response.body?.cancel();
      return { ok: false, status: response.status };
    }
    // Read under the cap: the identity endpoint is a stranger's as much as the token endpoint.
    const text = await readLimited(response, MAX_RESPONSE_BYTES, new URL(url).origin);
    const body: unknown = JSON.parse(Buffer.from(text).toString("utf8"));
    const status = provider.quirks?.identityStatus?.(body);
    if (status) return { ok: false, status };
    return { ok: true, identity: provider.identity.parse(body) };
  } catch {
    return { ok: false, status: "unreachable" };
  }
}
