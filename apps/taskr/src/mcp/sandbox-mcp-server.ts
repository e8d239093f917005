import { startMcpSandbox } from "@x/sandbox";
import type { TaskrConfig } from "../config";

export type SandboxMcpServer = { url: string | null; close(): Promise<void> };

/**
 * In sandbox mode, a remote MCP server to try the MCP servers page with: the sandbox's, with its
 * own authorization server (dynamic registration, metadata documents, rotating tokens).
 */
export async function startSandboxMcpServer(config: TaskrConfig): Promise<SandboxMcpServer> {
  if (!config.useSandbox) return { url: null, close: async () => {} };
  const sandbox = await startMcpSandbox({ port: config.MCP_SANDBOX_PORT });
  return { url: sandbox.url, close: () => sandbox.close() };
}
