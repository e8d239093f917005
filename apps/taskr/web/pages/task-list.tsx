import type { UseQueryResult } from "@tanstack/react-query";
import type { Task } from "../api";

const dateFormat = new Intl.DateTimeFormat(undefined, { dateStyle: "medium" });

export function TaskList({ query }: { query: UseQueryResult<{ tasks: Task[] }, Error> }) {
  if (query.isPending) return <p className="taskr-muted">Loading your tasks…</p>;
  if (query.isError) {
    return (
      <p role="alert" className="taskr-error">
        {query.error.message}
      </p>
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
