import type { ClientRegistry } from "./clients";
import type { SandboxKnobs } from "./knobs";
import type { GrantStore } from "./oauth/grants";
import type { SandboxStats } from "./stats";
import type { Workspace } from "./workspace";

/** Everything a route needs, built once by createSandboxApp and shared by reference. */
export type SandboxContext = {
  issuer: string;
  clients: ClientRegistry;
  knobs: SandboxKnobs;
  stats: SandboxStats;
  store: GrantStore;
  workspace: Workspace;
  /**
   * RFC 8707 resource indicators this server issues tokens for. Set (MCP mode): every
   * authorization and token request must name one. Absent: `resource` is not checked.
   */
  resources?: readonly string[];
};
