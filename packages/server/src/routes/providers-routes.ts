import { Hono } from "hono";
import type { McpServerRegistry } from "../mcp/servers";
import { isIssuerKey } from "../oauth/redirect-uris";
import type { Provider } from "../providers/types";
import { ConnectionsError } from "../shared/errors";
import type { Identity } from "../shared/identity";
import { parseId } from "./connections-routes";
import type { Env } from "./env";
import { DISCOVERY, STORE, serve, VAULT } from "./operation";
import {
  addMcpServerBody,
  clientMetadataResponse,
  mcpServerListResponse,
  mcpServerResponse,
  providerListResponse,
} from "./schemas";
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

  serve(app, {
    method: "get",
    path: "/providers",
    operationId: "listProviders",
    summary: "The providers this app can connect",
    caller: "user",
    replies: { 200: { description: "The providers", json: providerListResponse } },
    errors: [...STORE],
    handle: async (c, { identity }) => {
      const providers = await deps.providers(identity);
      return c.json({ providers: providers.map(describeProvider) }, 200);
    },
  });

  serve(app, {
    method: "get",
    path: "/mcp-servers",
    operationId: "listMcpServers",
    summary:
      "The MCP servers added for the caller's tenant that the caller may see, each with its provider",
    caller: "user",
    replies: { 200: { description: "The servers, oldest first", json: mcpServerListResponse } },
    errors: [...STORE],
    handle: async (c, { identity }) => {
      const servers = await deps.mcpServers.list(identity);
      return c.json(
        {
          servers: servers.map(({ row, provider }) => ({
            ...toMcpServer(row),
            provider: describeProvider(provider),
          })),
        },
        200,
      );
    },
  });

  serve(app, {
    method: "post",
    path: "/mcp-servers",
    operationId: "addMcpServer",
    summary: "Add a remote MCP server for the caller's tenant: discovered and registered first",
    caller: "user",
    body: { schema: addMcpServerBody },
    replies: {
      200: {
        description: "The tenant already has this URL: the existing server",
        json: mcpServerResponse,
      },
      201: { description: "Discovered, registered and saved", json: mcpServerResponse },
    },
    errors: [
      "invalid_request",
      "forbidden",
      "mcp_server_exists",
      "mcp_server_limit",
      "provider_name_taken",
      ...STORE,
      ...VAULT,
      ...DISCOVERY,
    ],
    handle: async (c, { identity, body }) => {
      const { row, provider, created } = await deps.mcpServers.add(identity, await body());
      return c.json(
        { server: toMcpServer(row), provider: describeProvider(provider) },
        created ? 201 : 200,
      );
    },
  });

  serve(app, {
    method: "delete",
    path: "/mcp-servers/:id",
    operationId: "removeMcpServer",
    summary: "Revoke and delete the tenant's connections to an added MCP server, then remove it",
    caller: "user",
    replies: { 204: { description: "Removed" } },
    errors: ["not_found", "forbidden", ...STORE, ...VAULT],
    handle: async (c, { identity }) => {
      await deps.mcpServers.remove(identity, parseId(c.req.param("id"), "No such MCP server"));
      return c.body(null, 204);
    },
  });

  // Always served: an MCP server added at run time may register us by these documents.
  serve(app, {
    method: "get",
    path: "/oauth-clients/:key",
    operationId: "clientMetadataDocument",
    summary: "The kit's Client ID Metadata Document at one MCP issuer (no sign-in needed)",
    caller: "anyone",
    replies: { 200: { description: "The document", json: clientMetadataResponse } },
    errors: ["not_found"],
    handle: (c) => {
      const key = c.req.param("key");
      if (!isIssuerKey(key)) throw new ConnectionsError("not_found", "No such client document");
      c.header("cache-control", "public, max-age=3600");
      return c.json(deps.clientMetadataDocument(key), 200);
    },
  });

  return app;
}
