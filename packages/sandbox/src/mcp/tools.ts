import { McpServer } from "@modelcontextprotocol/sdk/server/mcp.js";
import { WebStandardStreamableHTTPServerTransport } from "@modelcontextprotocol/sdk/server/webStandardStreamableHttp.js";
import type { AttioTask } from "../attio/tasks";

/** The MCP server: one tool, `list_tasks`, over the Attio stand-in's tasks. */
export function createMcpServer(tasks: readonly AttioTask[]): McpServer {
  const server = new McpServer({ name: "attio-sandbox-mcp", version: "0.1.0" });
  server.registerTool(
    "list_tasks",
    {
      description: "Lists the tasks in the Attio sandbox workspace",
      annotations: { readOnlyHint: true },
    },
    async () => ({
      content: [
        {
          type: "text",
          text: JSON.stringify(
            tasks.map((task) => ({
              id: task.id.task_id,
              content: task.content_plaintext,
              deadlineAt: task.deadline_at,
              isCompleted: task.is_completed,
            })),
          ),
        },
      ],
    }),
  );
  return server;
}

/**
 * Stateless Streamable HTTP (no session id): a server and transport per request, which is the
 * SDK's recommended shape when nothing must survive between requests.
 */
export async function handleMcpRequest(
  request: Request,
  tasks: readonly AttioTask[],
): Promise<Response> {
  const server = createMcpServer(tasks);
  const transport = new WebStandardStreamableHTTPServerTransport({
    sessionIdGenerator: undefined,
    enableJsonResponse: true,
  });
  await server.connect(transport);
  return transport.handleRequest(request);
}
