import { listenThenServe } from "../listener";
import { createMcpSandboxApp, type McpSandboxApp, type McpSandboxAppOptions } from "./app";

export type StartMcpSandboxOptions = Omit<McpSandboxAppOptions, "origin"> & {
  /** 0 (default) picks a free port. */
  port?: number;
  host?: string;
};

export type McpSandbox = McpSandboxApp & {
  /** The listener's origin. */
  origin: string;
  close(): Promise<void>;
};

/** A remote MCP server behind its own authorization server, on one loopback listener. */
export async function startMcpSandbox(options: StartMcpSandboxOptions = {}): Promise<McpSandbox> {
  const { port, host, ...appOptions } = options;
  const {
    app: sandbox,
    origin,
    close,
  } = await listenThenServe({ port, host }, (origin) => {
    const built = createMcpSandboxApp({ ...appOptions, origin });
    return { app: built, fetch: (request) => built.app.fetch(request) };
  });
  return { ...sandbox, origin, close };
}
