import { Hono } from "hono";
import type { McpServerRegistry } from "../mcp/servers";
import { isIssuerKey } from "../oauth/redirect-uris";
import type { Provider } from "../providers/types";
import { ConnectionsError } from "../shared/errors";
import type { Identity } from "../shared/identity";
import { parseId } from "./connections-routes";
import { caller, type Env } from "./env";
import { readJsonBody } from "./request-body";
import { addMcpServerBody } from "./schemas";
import { describeProvider, toMcpServer } from "./views";

export type ProvidersRoutesDeps = {
  /** The host's providers, then the MCP servers the caller's tenant added that they may see. */
  providers(identity: Identity): Promise<Provider[]>;
  mcpServers: Pick<McpServerRegistry, "list" | "add"> & {
    remove(identity: Identity, id: string): Promise<void>;
  };
  /** The kit's Client ID Metadata Document at one MCP issuer, by its callback key. */
  clientMetadataDocument(key: string): Record<string, unknown>;
};

/** What the caller may connect: the providers, and MCP servers added at run time. */
export function providersRoutes(deps: ProvidersRoutesDeps) {
  const app = new Hono<Env>();

  app.get("/providers", async (c) => {
    const providers = await deps.providers(caller(c));
    return c.json({ providers: providers.map(describeProvider) });
  });

  app.get("/mcp-servers", async (c) => {
    const servers = await deps.mcpServers.list(caller(c));
    return c.json({
      servers: servers.map(({ row, provider }) => ({
        ...toMcpServer(row),
        provider: describeProvider(provider),
      })),
    });
  });

  app.post("/mcp-servers", async (c) => {
    const identity = caller(c);
    const body = addMcpServerBody.parse(await readJsonBody(c));
    const { row, provider, created } = await deps.mcpServers.add(identity, body);
    return c.json(
      { server: toMcpServer(row), provider: describeProvider(provider) },
      created ? 201 : 200,
    );
  });

  app.delete("/mcp-servers/:id", async (c) => {
    const identity = caller(c);
    await deps.mcpServers.remove(identity, parseId(c.req.param("id"), "No such MCP server"));
    return c.body(null, 204);
  });

  // Always served: an MCP server added at run time may register us by these documents.
  app.get("/oauth-clients/:key", (c) => {
    const key = c.req.param("key");
    if (!isIssuerKey(key)) throw new ConnectionsError("not_found", "No such client document");
    c.header("cache-control", "public, max-age=3600");
    return c.json(deps.clientMetadataDocument(key));
  });

  return app;
}
