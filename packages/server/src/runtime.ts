import type { ConnectionEvent } from "./events";
import type { Provider } from "./providers/types";
import type { Database } from "./store/store";
import type { Vault } from "./vault";

/** What every part of a `createConnections` instance shares. */
export type Runtime = {
  db(): Promise<Database>;
  vault: Vault;
  providers: Map<string, Provider>;
  emit(event: Omit<ConnectionEvent, "at">): void;
  /** Timeout for every call to a provider. */
  timeoutMs: number;
  /** Refresh this long before expiry. */
  refreshSkewMs: number;
};
