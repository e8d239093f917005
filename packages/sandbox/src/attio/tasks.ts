import { Hono } from "hono";
import type { SandboxContext } from "../context";
import { AttioApiError } from "../errors";
import { deterministicUuid, type Workspace } from "../workspace";
import { type ApiEnv, requireAccessToken, requireScope } from "./bearer";
import { taskSeed } from "./task-seed";

/** Attio's task object, as returned by GET /v2/tasks. */
export type AttioTask = {
  id: { workspace_id: string; task_id: string };
  content_plaintext: string;
  deadline_at: string | null;
  is_completed: boolean;
  linked_records: { target_object_id: string; target_record_id: string }[];
  assignees: { referenced_actor_type: "workspace-member"; referenced_actor_id: string }[];
  created_by_actor: { type: "workspace-member"; id: string };
  created_at: string;
};

/** Attio's documented default page size for list endpoints. */
export const defaultTaskLimit = 500;

export function seedTasks(workspace: Workspace): AttioTask[] {
  return taskSeed.map((task, index) => ({
    id: {
      workspace_id: workspace.id,
      task_id: deterministicUuid(`task:${workspace.id}:${index}`),
    },
    content_plaintext: task.content,
    deadline_at: task.deadlineAt,
    is_completed: task.isCompleted,
    linked_records: [],
    assignees: [
      { referenced_actor_type: "workspace-member", referenced_actor_id: workspace.memberId },
    ],
    created_by_actor: { type: "workspace-member", id: workspace.memberId },
    created_at: task.createdAt,
  }));
}

function readCount(query: URLSearchParams, name: string, fallback: number): number {
  const value = query.get(name);
  if (value === null) return fallback;
  if (!/^\d+$/.test(value)) {
    throw new AttioApiError(
      400,
      "invalid_request_error",
      "validation_type",
      `${name} must be a non-negative integer.`,
    );
  }
  return Number(value);
}

export function pageOfTasks(tasks: readonly AttioTask[], query: URLSearchParams): AttioTask[] {
  const limit = readCount(query, "limit", defaultTaskLimit);
  const offset = readCount(query, "offset", 0);
  return tasks.slice(offset, offset + limit);
}

/** GET /v2/tasks, which Attio requires task:read (or read-write) for. */
export function taskRoutes(context: SandboxContext) {
  const tasks = seedTasks(context.workspace);
  return new Hono<ApiEnv>().get(
    "/v2/tasks",
    requireAccessToken(context),
    requireScope("task:read", "task:read-write"),
    (c) => c.json({ data: pageOfTasks(tasks, new URL(c.req.url).searchParams) }),
  );
}
