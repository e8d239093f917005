import type { UseQueryResult } from "@tanstack/react-query";
import type { Task } from "../api";

const dateFormat = new Intl.DateTimeFormat(undefined, { dateStyle: "medium" });

const assigneesText = (count: number) =>
  count === 0 ? "Unassigned" : count === 1 ? "1 assignee" : `${count} assignees`;

export function TaskList({ query }: { query: UseQueryResult<{ tasks: Task[] }, Error> }) {
  // A failed query being retried shows "loading", not the old failure.
  if (query.isPending || (query.isError && query.isFetching)) {
    return <p className="taskr-muted">Loading your tasks…</p>;
  }
  if (query.isError) {
    return (
      <div role="alert" className="taskr-error taskr-row">
        <span>{query.error.message}</span>
        <button type="button" className="taskr-link" onClick={() => void query.refetch()}>
          Try again
        </button>
      </div>
    );
  }
  const { tasks } = query.data;
  if (tasks.length === 0) return <p className="taskr-muted">No tasks in Attio yet.</p>;
  return (
    <ul className="taskr-tasks" aria-label="Attio tasks">
      {tasks.map((task) => (
        <li key={task.id} data-completed={task.completed}>
          <span
            className="taskr-check"
            role="img"
            aria-label={task.completed ? "Completed" : "Open"}
          >
            {task.completed ? "✓" : ""}
          </span>
          <span className="taskr-task-content">{task.content}</span>
          <span className="taskr-muted taskr-assignees">{assigneesText(task.assignees)}</span>
          {task.deadline ? (
            <time className="taskr-muted" dateTime={task.deadline}>
              {dateFormat.format(new Date(task.deadline))}
            </time>
          ) : null}
        </li>
      ))}
    </ul>
  );
}
