import { QueryClient, QueryClientProvider, useQuery } from "@tanstack/react-query";
import {
  ConnectButton,
  ConnectionList,
  ConnectionRequired,
  ConnectionsProvider,
  useConnection,
} from "@x/react";
import "@x/react/styles.css"; // optional
import { StrictMode } from "react";
import { createRoot } from "react-dom/client";

type Task = { id: { task_id: string }; content_plaintext: string };

/** Our own route: on an error it answers the kit's JSON error, which we throw as it is. */
async function fetchTasks(): Promise<Task[]> {
  const response = await fetch("/api/tasks");
  const body = await response.json();
  if (!response.ok) throw body.error;
  return body.data;
}

function Tasks() {
  const { data: connection } = useConnection("attio");
  const tasks = useQuery({
    queryKey: ["tasks", connection?.id],
    queryFn: fetchTasks,
    enabled: connection?.status === "active",
    retry: false,
  });
  if (tasks.error) return <ConnectionRequired error={tasks.error} />;
  return (
    <ul aria-label="Attio tasks">
      {tasks.data?.map((task) => (
        <li key={task.id.task_id}>{task.content_plaintext}</li>
      ))}
    </ul>
  );
}

const Settings = () => (
  <ConnectionsProvider baseUrl="/api/connections">
    <ConnectButton provider="attio" />
    <ConnectionList />
    <Tasks />
  </ConnectionsProvider>
);

createRoot(document.getElementById("root")!).render(
  <StrictMode>
    <QueryClientProvider client={new QueryClient()}>
      <Settings />
    </QueryClientProvider>
  </StrictMode>,
);
