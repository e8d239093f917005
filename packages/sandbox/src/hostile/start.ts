import { listenThenServe } from "../listener";
import { createHostileMcpApp, type HostileMcpApp, type HostileMcpAppOptions } from "./app";

export type StartHostileMcpServerOptions = Omit<HostileMcpAppOptions, "origin"> & { port?: number };

export type HostileMcpServer = HostileMcpApp & { origin: string; close(): Promise<void> };

/** A hostile MCP server and authorization server on one loopback listener (tests only). */
export async function startHostileMcpServer(
  options: StartHostileMcpServerOptions = {},
): Promise<HostileMcpServer> {
  const { port, ...appOptions } = options;
  const { app, origin, close } = await listenThenServe({ port }, (origin) => {
    const built = createHostileMcpApp({ ...appOptions, origin });
    return { app: built, fetch: built.app.fetch };
  });
  return { ...app, origin, close };
}
