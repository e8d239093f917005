import type { AccountIdentity, CredentialView, OAuthProvider } from "../providers/types";
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
  try {
    const response = await fetch(url, {
      headers: {
        ...provider.identity.headers,
        authorization: `Bearer ${credential.accessToken}`,
        accept: "application/json",
      },
      signal: AbortSignal.timeout(timeoutMs),
    });
    if (!response.ok) {
      await response.body?.cancel();
      return { ok: false, status: response.status };
    }
    const body: unknown = await response.json();
    const status = provider.quirks?.identityStatus?.(body);
    if (status) return { ok: false, status };
    return { ok: true, identity: provider.identity.parse(body) };
  } catch {
    return { ok: false, status: "unreachable" };
  }
}
