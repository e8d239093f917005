import { type Connections, ReauthRequiredError } from "@x/server";
import { Hono } from "hono";
import { describe, expect, it } from "vitest";
import type { TaskrEnv } from "../env";
import { testUser } from "../testing/test-user";
import { tasksRoutes } from "./tasks-routes";

const user = testUser;

function tasksWith(fetch: Connections["fetch"]) {
  const app = new Hono<TaskrEnv>();
  app.use(async (c, next) => {
    c.set("user", user);
    await next();
  });
  app.route("/api/tasks", tasksRoutes({ fetch } as unknown as Connections, "http://attio.test"));
  return app.request("/api/tasks");
}

const attioTask = {
  id: { workspace_id: "w", task_id: "t1" },
  content_plaintext: "Follow up",
  deadline_at: "2030-01-01T00:00:00.000Z",
  is_completed: false,
  assignees: [
    { referenced_actor_type: "workspace-member", referenced_actor_id: "m1" },
    { referenced_actor_type: "workspace-member", referenced_actor_id: "m2" },
  ],
};

describe("GET /api/tasks", () => {
  it("lists the tasks with their assignee count", async () => {
    const response = await tasksWith(async () => Response.json({ data: [attioTask] }));
    expect(await response.json()).toEqual({
      tasks: [
        {
          id: "t1",
          content: "Follow up",
          deadline: "2030-01-01T00:00:00.000Z",
          completed: false,
          assignees: 2,
        },
      ],
    });
  });

  it("turns a 401 that survived the kit's refresh into 409 reauth_required", async () => {
    const response = await tasksWith(async () => new Response(null, { status: 401 }));
    expect(response.status).toBe(409);
    expect(await response.json()).toMatchObject({
      error: { code: "reauth_required", provider: "attio" },
    });
  });

  it("passes the kit's own errors through with their status", async () => {
    const response = await tasksWith(async () => {
      throw new ReauthRequiredError("attio");
    });
    expect(response.status).toBe(409);
    expect(await response.json()).toMatchObject({ error: { code: "reauth_required" } });
  });

  it("says Attio is unreachable when the network fails", async () => {
    const response = await tasksWith(async () => {
      throw new TypeError("fetch failed");
    });
    expect(response.status).toBe(502);
    expect(await response.json()).toMatchObject({ error: { code: "attio_unreachable" } });
  });
});
