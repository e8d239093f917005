import { useQuery, useQueryClient } from "@tanstack/react-query";
import {
  ConnectButton,
  type ConnectError,
  type Connection,
  ConnectionRequired,
  isConnectionRequired,
  queryKeys,
  useConnection,
  useDisconnect,
} from "@x/react";
import { useEffect } from "react";
import { api, type User } from "../api";
import { useReportConnect } from "../notices";
import { MailSequenceForm } from "./mail-sequence-form";
import { TaskList } from "./task-list";

/** The ConnectButton callbacks every Attio prompt on this page shares. */
function useConnectCallbacks() {
  const report = useReportConnect();
  return {
    onSuccess: () => report({ status: "success", provider: "attio" }),
    onError: (error: ConnectError) =>
      report({ status: "error", provider: "attio", code: error.code }),
  };
}

export function HomePage({ user }: { user: User }) {
  const attio = useConnection("attio");
  const callbacks = useConnectCallbacks();
  const connection = attio.data ?? null;
  return (
    <>
      <section className="taskr-card">
        <h1>Welcome to Taskr!</h1>
        <p>
          You are logged in as <strong>{user.username}</strong>.
        </p>
        {attio.isPending ? (
          <p className="taskr-muted">Loading…</p>
        ) : attio.isError ? (
          <p role="alert" className="taskr-error">
            {attio.error.message}
          </p>
        ) : !connection ? (
          <div className="taskr-connect">
            <p>Connect your Attio workspace to see your tasks here.</p>
            <ConnectButton provider="attio" className="taskr-primary" {...callbacks} />
          </div>
        ) : connection.status !== "active" ? (
          <div className="taskr-connect" role="alert" data-testid="reconnect-prompt">
            <p>
              {connection.visibility === "workspace"
                ? "The workspace's Attio connection has expired or was revoked."
                : "Your Attio connection has expired or was revoked."}{" "}
              Reconnect Attio to see your tasks again.
            </p>
            <ConnectButton provider="attio" className="taskr-primary" {...callbacks} />
          </div>
        ) : (
          <AttioTasks connection={connection} />
        )}
      </section>
      <section className="taskr-card">
        <h2>Add to mail sequence</h2>
        <p className="taskr-muted">
          Enrols a prospect with your mail sequencing tool, using the API key you saved. Taskr's
          server adds the key; this page never sees it.
        </p>
        <MailSequenceForm />
      </section>
    </>
  );
}

function AttioTasks({ connection }: { connection: Connection }) {
  const queryClient = useQueryClient();
  const callbacks = useConnectCallbacks();
  const disconnect = useDisconnect();
  const tasks = useQuery({
    queryKey: ["taskr", "tasks", connection.id, connection.lastRefreshedAt],
    queryFn: api.tasks,
  });
  const needsReconnect = isConnectionRequired(tasks.error);
  useEffect(() => {
    // The server has just marked the connection; the list learns it and shows "Reconnect".
    if (needsReconnect) void queryClient.invalidateQueries({ queryKey: queryKeys.connections });
  }, [needsReconnect, queryClient]);
  const viaWorkspace = connection.visibility === "workspace";

  return (
    <>
      <div className="taskr-tasks-header">
        <h2>
          Your Attio tasks
          {connection.name ? <span className="taskr-muted"> · {connection.name}</span> : null}
        </h2>
        {viaWorkspace ? (
          <span className="taskr-badge" title="Shared by an admin for everyone in Taskr">
            via workspace connection
          </span>
        ) : (
          <button
            type="button"
            className="taskr-link"
            disabled={disconnect.isPending}
            onClick={() =>
              disconnect.mutate(connection.id, {
                onSuccess: () => queryClient.removeQueries({ queryKey: ["taskr", "tasks"] }),
              })
            }
          >
            Disconnect Attio
          </button>
        )}
      </div>
      {disconnect.error ? (
        <p role="alert" className="taskr-error">
          {disconnect.error.message}
        </p>
      ) : null}
      {needsReconnect ? (
        <div className="taskr-connect" data-testid="reconnect-prompt">
          <ConnectionRequired error={tasks.error} className="taskr-primary" {...callbacks}>
            {/* The list may still say "active" for a moment; the server already knows better. */}
            {(state) => (state === "connecting" ? "Connecting…" : "Reconnect Attio")}
          </ConnectionRequired>
        </div>
      ) : (
        <TaskList query={tasks} />
      )}
    </>
  );
}
