import type { AccountIdentity, OAuthProvider } from "../providers/types";
import { isLoopbackHttp } from "./authorization-server";

const EMPTY: AccountIdentity = { accountId: null, name: null, handle: null };

export type IdentityResult =
  | { ok: true; identity: AccountIdentity }
  | { ok: false; status: number | "unreachable" };

/** Asks the provider's identity endpoint who the token belongs to (to name and health-check). */
export async function fetchIdentity(
  provider: OAuthProvider,
  accessToken: string,
  timeoutMs: number,
): Promise<IdentityResult> {
  if (!provider.identity) return { ok: true, identity: EMPTY };
  const url = provider.identity.url;
  if (!url.startsWith("https:") && !isLoopbackHttp(url))
    return { ok: false, status: "unreachable" };
  try {
    const response = await fetch(url, {
      headers: { authorization: `Bearer ${accessToken}`, accept: "application/json" },
      signal: AbortSignal.timeout(timeoutMs),
    });
    if (!response.ok) {
      await response.body?.cancel();
      return { ok: false, status: response.status };
    }
    return { ok: true, identity: provider.identity.parse(await response.json()) };
  } catch {
    return { ok: false, status: "unreachable" };
  }
}
