import { type Started, startConnect } from "../connect/start";
import type { OAuthProvider } from "../providers/types";
import type { Identity } from "../shared/identity";
import type { Database } from "../store/store";
import type { Vault } from "../vault";

/** A popup flow started for `identity` at `provider`, as POST /connect would start it. */
export function startTestFlow(
  db: Database,
  vault: Vault,
  provider: OAuthProvider,
  identity: Identity,
): Promise<Started> {
  const deps = {
    db: async () => db,
    vault,
    providers: { find: async () => provider, prepare: async () => {} },
    redirectUri: "http://localhost:3050/api/connections/callback",
    appOrigin: "http://localhost:3050",
  };
  return startConnect(deps, identity, provider.name, { mode: "popup", visibility: "user" });
}
