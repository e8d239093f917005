import { text } from "./catalog/shared";
import type { AccountIdentity } from "./types";

/** OpenID Connect Core §5.3.2 standard claims, as any userinfo endpoint answers them. */
export function parseOpenIdUserinfo(body: unknown): AccountIdentity {
  return {
    accountId: text(body, "sub"),
    name: text(body, "name") ?? text(body, "email"),
    handle: text(body, "email") ?? text(body, "preferred_username"),
  };
}
