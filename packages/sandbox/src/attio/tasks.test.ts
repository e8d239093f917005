import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { type Sandbox, startSandbox } from "../start";
import { connect, getApi } from "../test-support";
import type { AttioTask } from "./tasks";

let sandbox: Sandbox;
beforeEach(async () => {
  sandbox = await startSandbox();
});
afterEach(() => sandbox.close());

const uuid = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

describe("GET /v2/tasks", () => {
  it("returns exactly ten tasks in Attio's shape for limit=10", async () => {
    const { access_token } = await connect(sandbox);
    const self = (await (await getApi(sandbox, "/v2/self", access_token)).json()) as {
      workspace_id: string;
      authorized_by_workspace_member_id: string;
    };
    const response = await getApi(sandbox, "/v2/tasks?limit=10", access_token);
    expect(response.status).toBe(200);
    const { data } = (await response.json()) as { data: AttioTask[] };
    expect(data).toHaveLength(10);
    for (const task of data) {
      expect(task).toEqual({
        id: { workspace_id: self.workspace_id, task_id: expect.stringMatching(uuid) },
        content_plaintext: expect.any(String),
        deadline_at: task.deadline_at === null ? null : expect.any(String),
        is_completed: expect.any(Boolean),
        linked_records: [],
        assignees: [
          {
            referenced_actor_type: "workspace-member",
            referenced_actor_id: self.authorized_by_workspace_member_id,
          },
        ],
        created_by_actor: { type: "workspace-member", id: self.authorized_by_workspace_member_id },
        created_at: expect.any(String),
      });
      expect(Number.isNaN(Date.parse(task.created_at))).toBe(false);
      if (task.deadline_at !== null) expect(Number.isNaN(Date.parse(task.deadline_at))).toBe(false);
    }
    expect(data[0]?.content_plaintext).toBe("Follow up with Acme Corp about renewal");
    expect(new Set(data.map((task) => task.id.task_id)).size).toBe(10);
  });

  it("pages with offset and returns every seeded task by default", async () => {
    const { access_token } = await connect(sandbox);
    const all = (await (await getApi(sandbox, "/v2/tasks", access_token)).json()) as {
      data: AttioTask[];
    };
    expect(all.data.length).toBeGreaterThanOrEqual(12);
    const page = (await (
      await getApi(sandbox, "/v2/tasks?limit=2&offset=10", access_token)
    ).json()) as { data: AttioTask[] };
    expect(page.data).toEqual(all.data.slice(10, 12));
  });

  it("is deterministic across sandboxes of the same workspace", async () => {
    const first = await connect(sandbox);
    const before = await (await getApi(sandbox, "/v2/tasks", first.access_token)).json();
    await sandbox.close();
    sandbox = await startSandbox();
    const second = await connect(sandbox);
    expect(await (await getApi(sandbox, "/v2/tasks", second.access_token)).json()).toEqual(before);
  });

  it("answers 403 in Attio's shape without a task scope", async () => {
    const { access_token } = await connect(sandbox, { scope: "record_permission:read" });
    const response = await getApi(sandbox, "/v2/tasks", access_token);
    expect(response.status).toBe(403);
    expect(await response.json()).toEqual({
      status_code: 403,
      type: "auth_error",
      code: "forbidden",
      message: expect.any(String),
    });
  });

  it("accepts task:read-write", async () => {
    const { access_token } = await connect(sandbox, { scope: "task:read-write" });
    expect((await getApi(sandbox, "/v2/tasks?limit=1", access_token)).status).toBe(200);
  });

  it("answers 400 for a malformed limit and 401 without a valid token", async () => {
    const { access_token } = await connect(sandbox);
    expect((await getApi(sandbox, "/v2/tasks?limit=ten", access_token)).status).toBe(400);
    expect((await getApi(sandbox, "/v2/tasks", "sbx_at_nope")).status).toBe(401);
    expect((await fetch(new URL("/v2/tasks", sandbox.url))).status).toBe(401);
  });
});
