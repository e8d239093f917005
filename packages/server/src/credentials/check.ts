import { findConnectionById, markAuthFailed, recordCheck } from "../connections/repository";
import { accountResponse } from "../oauth/fetch-account";
import type { Provider } from "../providers/types";
import { ConnectionsError } from "../shared/errors";
import type { ConnectionRow } from "../store/schema";
import type { Database } from "../store/store";
import { authorizedFetch } from "./authorized-fetch";
import type { CredentialResult, ReadOptions } from "./reader";

export type HealthCheckDeps = {
  db(): Promise<Database>;
  /** The row's credential, fresh; `forceRefresh` once the provider refused it. */
  read(row: ConnectionRow, options: ReadOptions): Promise<CredentialResult>;
  timeoutMs: number;
  checkIntervalMs: number;
  onAuthFailed(row: ConnectionRow): void;
};

/**
 * Health check through the provider's identity endpoint, under the same 401 policy as every
 * call with a credential (one forced refresh, one retry): if the provider still refuses, the
 * connection needs the user again. A provider that is down proves nothing: the connection is
 * left as it was. Returns the row as it is afterwards.
 */
export function createHealthCheck(deps: HealthCheckDeps) {
  return async function check(
    provider: Provider | undefined,
    row: ConnectionRow,
  ): Promise<ConnectionRow> {
    if (provider?.kind !== "oauth2" || !provider.identity || row.status !== "active") return row;
    const db = await deps.db();
    const latest = async () => (await findConnectionById(db, row.id)) ?? row;
    const source = {
      provider: provider.name,
      current: async () => deps.read(await latest(), { provider }),
      refreshed: async () => deps.read(await latest(), { provider, forceRefresh: true }),
    };
    const unreachable = () =>
      new ConnectionsError("provider_unreachable", `${provider.displayName} could not be checked`, {
        provider: provider.name,
      });
    let status: number;
    try {
      const response = await authorizedFetch(source, {
        send: (credential) =>
          credential.type === "oauth2"
            ? accountResponse(provider, credential, deps.timeoutMs).catch((error: unknown) => {
                throw error instanceof ConnectionsError ? error : unreachable();
              })
            : Promise.resolve(new Response(null, { status: 200 })),
        stepUp: false,
      });
      await response.body?.cancel();
      status = response.status;
    } catch (error) {
      // The refresh itself found the grant dead: that is the answer.
      if (!(error instanceof ConnectionsError) || error.code !== "reauth_required") throw error;
      status = 401;
    }
    if (status === 200) {
      await recordCheck(db, row.id, new Date(Date.now() + deps.checkIntervalMs));
      return latest();
    }
    if (status !== 401) throw unreachable();
    const failed = await markAuthFailed(db, row.id);
    if (failed) deps.onAuthFailed(failed);
    return failed ?? latest();
  };
}

export type HealthCheck = ReturnType<typeof createHealthCheck>;
