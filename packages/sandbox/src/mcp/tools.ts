import { McpServer } from "@modelcontextprotocol/sdk/server/mcp.js";
import { WebStandardStreamableHTTPServerTransport } from "@modelcontextprotocol/sdk/server/webStandardStreamableHttp.js";
import { z } from "zod";
import type { AttioTask } from "../attio/tasks";

/**
 * The scope each tool needs. A call without it is refused with 403 insufficient_scope before it
 * reaches the server, which is what a client's step-up authorization is tested against.
 */
export const toolScopes: Record<string, string> = {
  list_tasks: "task:read",
  complete_task: "task:read-write",
};

const describeTask = (task: AttioTask) => ({
  id: task.id.task_id,
  content: task.content_plaintext,
  deadlineAt: task.deadline_at,
  isCompleted: task.is_completed,
});

/** The MCP server: `list_tasks` and `complete_task` over the Attio stand-in's tasks. */
export function createMcpServer(tasks: AttioTask[]): McpServer {
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
          text: JSON.stringify(tasks.map(describeTask)),
        },
      ],
    }),
  );
  server.registerTool(
    "complete_task",
    {
      description: "Marks a task in the Attio sandbox workspace as completed",
      inputSchema: { id: z.string().describe("The task's id, as list_tasks returns it") },
      annotations: { idempotentHint: true },
    },
    async ({ id }) => {
      const task = tasks.find((candidate) => candidate.id.task_id === id);
      if (!task) return { isError: true, content: [{ type: "text", text: `No task ${id}` }] };
      task.is_completed = true;
      return { content: [{ type: "text", text: JSON.stringify(describeTask(task)) }] };
    },
  );
  return server;
}

/**
 * Stateless Streamable HTTP (no session id): a server and transport per request, which is the
 * SDK's recommended shape when nothing must survive between requests.
 */
export async function handleMcpRequest(request: Request, tasks: AttioTask[]): Promise<Response> {
  const server = createMcpServer(tasks);
  const transport = new WebStandardStreamableHTTPServerTransport({
    sessionIdGenerator: undefined,
    enableJsonResponse: true,
  });
  await server.connect(transport);
  return transport.handleRequest(request);
}
