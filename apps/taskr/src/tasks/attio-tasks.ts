/** The parts of Attio's task object Taskr shows (GET /v2/tasks). */
export type AttioTask = {
  id: { workspace_id: string; task_id: string };
  content_plaintext: string;
  deadline_at: string | null;
  is_completed: boolean;
  assignees: { referenced_actor_type: string; referenced_actor_id: string }[];
};

export type Task = {
  id: string;
  content: string;
  deadline: string | null;
  completed: boolean;
  assignees: number;
};

export function toTask(task: AttioTask): Task {
  return {
    id: task.id.task_id,
    content: task.content_plaintext,
    deadline: task.deadline_at,
    completed: task.is_completed,
    assignees: task.assignees.length,
  };
}
