import type { CredentialSource } from "../credentials/authorized-fetch";
import { ConnectionsError } from "../shared/errors";
import type { McpServerProvider } from "./provider";

/** Whose connection to an MCP server: the user's own when `userId` is given, else the workspace's. */
export type McpRequest = { provider: string; tenantId: string; userId?: string };

/** What the `@x/server/mcp` adapters need of a `createConnections` instance. */
export type McpAccess = {
  /** An MCP provider the caller may use: the host's own, or one their tenant added. */
  provider(request: McpRequest): Promise<McpServerProvider>;
  /** Its credential from the vault, refreshed by the kit. */
  tokens(request: McpRequest): CredentialSource;
  /** The callback the kit registered; the SDK asks for it, and never uses it. */
  redirectUri: string;
};

// Keyed by the instance a host holds, so the adapters reach its internals without the public
// `Connections` type naming any of them.
const accessByInstance = new WeakMap<object, McpAccess>();

export function registerMcpAccess(connections: object, access: McpAccess): void {
  accessByInstance.set(connections, access);
}

export function mcpAccessOf(connections: object): McpAccess {
  const access = accessByInstance.get(connections);
  if (!access) {
    throw new ConnectionsError(
      "invalid_options",
      "Pass the object createConnections() returned to the MCP adapters",
    );
  }
  return access;
}
