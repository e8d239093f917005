import { type Connections, ConnectionsError, connectionsErrorResponse } from "@x/server";
import { Hono } from "hono";
import { type TaskrEnv, TENANT_ID } from "../env";
import { type AttioTask, toTask } from "./attio-tasks";

const fail = (code: string, message: string) => ({ error: { code, message } });

/**
 * The tutorial's last step, done server-side: the token never leaves the backend. The kit adds
 * it, refreshes it when due, and retries once on a 401.
 */
export function tasksRoutes(connections: Connections, attioApiUrl: string) {
  const app = new Hono<TaskrEnv>();

  app.get("/", async (c) => {
    const user = c.get("user");
    if (!user) return c.json(fail("unauthenticated", "Sign in first"), 401);
    let response: Response;
    try {
      response = await connections.fetch(
        { provider: "attio", tenantId: TENANT_ID, userId: user.id },
        `${attioApiUrl}/v2/tasks?limit=10`,
        { signal: AbortSignal.timeout(10_000) },
      );
    } catch (error) {
      if (error instanceof ConnectionsError) return connectionsErrorResponse(error);
      return c.json(
        fail("attio_unreachable", "Attio could not be reached. Try again in a moment."),
        502,
      );
    }
    if (response.status === 401) {
      await response.body?.cancel();
      return c.json(
        {
          error: {
            code: "reauth_required",
            message: "Reconnect Attio to see your tasks",
            provider: "attio",
          },
        },
        409,
      );
    }
    if (!response.ok) {
      await response.body?.cancel();
      return c.json(fail("attio_error", `Attio answered ${response.status}`), 502);
    }
    const body = (await response.json()) as { data: AttioTask[] };
    return c.json({ tasks: body.data.map(toTask) });
  });

  return app;
}
