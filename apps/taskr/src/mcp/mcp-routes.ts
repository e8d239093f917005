import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { ErrorCode, McpError } from "@modelcontextprotocol/sdk/types.js";
import { type Connections, ConnectionsError, connectionsErrorResponse } from "@x/server";
import { mcpTransport } from "@x/server/mcp";
import { Hono } from "hono";
import { z } from "zod";
import { type TaskrEnv, TENANT_ID } from "../env";

const callBody = z.object({ arguments: z.record(z.string(), z.unknown()).default({}) }).strict();

const fail = (code: string, message: string) => ({ error: { code, message } });

/**
 * The MCP servers page's backend: lists a server's tools and calls one, as the signed-in user,
 * with the official SDK client over the kit's transport (tokens from its vault, refreshed by it,
 * step-ups raised as InsufficientScopeError); the browser only sees tools, arguments and results.
 */
export function mcpRoutes(connections: Connections, sandboxMcpUrl: string | null) {
  const app = new Hono<TaskrEnv>();

  app.get("/suggested", (c) => c.json({ url: sandboxMcpUrl }));

  app.get("/:provider/tools", async (c) => {
    const user = c.get("user");
    if (!user) return c.json(fail("unauthenticated", "Sign in first"), 401);
    return withClient(connections, c.req.param("provider"), user.id, async (client) => {
      const { tools } = await client.listTools();
      return c.json({
        tools: tools.map((tool) => ({
          name: tool.name,
          description: tool.description ?? "",
          inputSchema: tool.inputSchema,
        })),
      });
    });
  });

  app.post("/:provider/tools/:tool", async (c) => {
    const user = c.get("user");
    if (!user) return c.json(fail("unauthenticated", "Sign in first"), 401);
    const parsed = callBody.safeParse(await c.req.json().catch(() => null));
    if (!parsed.success) {
      return c.json(fail("invalid_request", "Send { arguments: { … } } as JSON"), 400);
    }
    return withClient(connections, c.req.param("provider"), user.id, async (client) => {
      const result = await client.callTool({
        name: c.req.param("tool"),
        arguments: parsed.data.arguments,
      });
      return c.json({ content: result.content, isError: result.isError === true });
    });
  });

  return app;
}

async function withClient(
  connections: Connections,
  provider: string,
  userId: string,
  use: (client: Client) => Promise<Response>,
): Promise<Response> {
  const request = { provider, tenantId: TENANT_ID, userId };
  const client = new Client({ name: "taskr", version: "0.1.0" });
  try {
    await client.connect(await mcpTransport(connections, request));
    return await use(client);
  } catch (error) {
    // connection_required, reauth_required, insufficient_scope…: the page knows what to offer.
    if (error instanceof ConnectionsError) return connectionsErrorResponse(error);
    // The SDK's errors can quote the server's answer: say what happened, not what it said, and
    // log only the kind.
    if (
      error instanceof McpError &&
      (error.code === ErrorCode.InvalidParams || error.code === ErrorCode.MethodNotFound)
    ) {
      return Response.json(
        fail(
          "invalid_tool_call",
          "The MCP server refused the call: check the tool and its arguments.",
        ),
        { status: 400 },
      );
    }
    console.error(`[taskr] MCP ${provider}: ${(error as Error)?.name ?? "error"}`);
    return Response.json(
      fail("mcp_server_error", "The MCP server did not answer as expected. Try again."),
      { status: 502 },
    );
  } finally {
    await client.close().catch(() => {});
  }
}
