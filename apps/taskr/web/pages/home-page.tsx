import { useQuery } from "@tanstack/react-query";
import { ConnectButton, useConnection } from "@x/react";
import { api, type User } from "../api";
import { TaskList } from "./task-list";

export function HomePage({ user }: { user: User }) {
  const attio = useConnection("attio");
  const connected = attio.data?.status === "active";
  const tasks = useQuery({
    queryKey: ["taskr", "tasks", attio.data?.id, attio.data?.lastRefreshedAt],
    queryFn: api.tasks,
    enabled: connected,
  });
  return (
    <section className="taskr-card">
      <h1>Welcome to Taskr!</h1>
      <p>
        You are logged in as <strong>{user.username}</strong>.
      </p>
      {attio.isPending ? (
        <p className="taskr-muted">Loading…</p>
      ) : connected ? (
        <>
          <h2>
            Your Attio tasks
            {attio.data?.name ? <span className="taskr-muted"> · {attio.data.name}</span> : null}
          </h2>
          <TaskList query={tasks} />
        </>
      ) : (
        <div className="taskr-connect">
          <p>Connect your Attio workspace to see your tasks here.</p>
          <ConnectButton provider="attio" />
        </div>
      )}
    </section>
  );
}
