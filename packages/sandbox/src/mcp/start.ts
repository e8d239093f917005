import { listenThenServe } from "../listener";
import { persistingFetch, readState } from "../state-file";
import { createMcpSandboxApp, type McpSandboxApp, type McpSandboxAppOptions } from "./app";

export type StartMcpSandboxOptions = Omit<McpSandboxAppOptions, "origin"> & {
  /** 0 (default) picks a free port. */
  port?: number;
  host?: string;
  /** As startSandbox's: keeps registrations, grants and tokens across restarts (fixed port). */
  statePath?: string;
};

export type McpSandbox = McpSandboxApp & {
  /** The listener's origin. */
  origin: string;
  close(): Promise<void>;
};

/** A remote MCP server behind its own authorization server, on one loopback listener. */
export async function startMcpSandbox(options: StartMcpSandboxOptions = {}): Promise<McpSandbox> {
  const { port, host, statePath, ...appOptions } = options;
  const {
    app: sandbox,
    origin,
    close,
  } = await listenThenServe({ port, host }, (origin) => {
    const issuer = `${origin}${(appOptions.issuerPath ?? "").replace(/\/+$/, "")}`;
    const savedState = statePath ? readState(statePath, issuer) : undefined;
    const built = createMcpSandboxApp({ ...appOptions, origin, savedState });
    const fetch = (request: Request) => built.app.fetch(request);
    return {
      app: built,
      fetch: statePath ? persistingFetch(statePath, issuer, { fetch, state: built.state }) : fetch,
    };
  });
  return { ...sandbox, origin, close };
}
