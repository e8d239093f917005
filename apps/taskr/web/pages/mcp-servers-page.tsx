import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import {
  ConnectButton,
  ConnectionRequired,
  isConnectionRequired,
  isInsufficientScope,
  type McpServerWithProvider,
  useAddMcpServer,
  useConnection,
  useMcpServers,
} from "@x/react";
import { type FormEvent, useState } from "react";
import { type ApiError, api, type McpTool, type McpToolResult, type User } from "../api";

/** connection_required, reauth_required or insufficient_scope: connecting (again) fixes it. */
const fixedByConnecting = (error: ApiError) =>
  isConnectionRequired(error) || isInsufficientScope(error);

/** Tools often answer JSON in a text part: indented, it is readable. */
function readable(text: string): string {
  try {
    return JSON.stringify(JSON.parse(text), null, 2);
  } catch {
    return text;
  }
}

/**
 * Remote MCP servers by URL: Taskr's server discovers the server's authorization server,
 * registers itself, and keeps the tokens; this page lists the tools and runs them through it.
 */
export function McpServersPage({ user }: { user: User }) {
  const servers = useMcpServers();
  return (
    <section className="taskr-card">
      <h1>MCP servers</h1>
      <p className="taskr-muted">
        Paste a remote MCP server's URL. Taskr finds its authorization server, registers itself
        there and asks for your consent; the tokens stay on Taskr's server.
      </p>
      <AddServerForm isAdmin={user.role === "admin"} />
      {servers.isError ? (
        <p role="alert" className="taskr-error">
          {servers.error.message}
        </p>
      ) : servers.data?.length === 0 ? (
        <p className="taskr-muted">No MCP servers yet.</p>
      ) : (
        servers.data?.map((server) => <McpServerCard key={server.id} server={server} />)
      )}
    </section>
  );
}

function AddServerForm({ isAdmin }: { isAdmin: boolean }) {
  const [url, setUrl] = useState("");
  const [shared, setShared] = useState(false);
  const add = useAddMcpServer();
  const suggested = useQuery({
    queryKey: ["taskr", "mcp-suggested"],
    queryFn: api.suggestedMcpServer,
  });
  const onSubmit = (event: FormEvent) => {
    event.preventDefault();
    add.mutate({ url, visibility: shared ? "workspace" : "user" }, { onSuccess: () => setUrl("") });
  };
  return (
    <>
      <form className="taskr-row taskr-inline-form" onSubmit={onSubmit}>
        <label>
          MCP server URL
          <input
            name="url"
            type="url"
            required
            placeholder="https://mcp.example.com/mcp"
            value={url}
            onChange={(event) => setUrl(event.target.value)}
          />
        </label>
        {isAdmin ? (
          <label>
            <input
              type="checkbox"
              checked={shared}
              onChange={(event) => setShared(event.target.checked)}
            />{" "}
            For the whole workspace
          </label>
        ) : null}
        <button
          type="submit"
          className="taskr-primary"
          disabled={add.isPending}
          aria-busy={add.isPending || undefined}
        >
          {add.isPending ? "Discovering…" : "Add server"}
        </button>
      </form>
      {suggested.data?.url ? (
        <p className="taskr-muted">
          Offline? Try the sandbox's:{" "}
          <button
            type="button"
            className="taskr-link"
            onClick={() => setUrl(suggested.data.url ?? "")}
          >
            {suggested.data.url}
          </button>
        </p>
      ) : null}
      {add.error ? (
        <p role="alert" className="taskr-error">
          {add.error.message}
        </p>
      ) : null}
    </>
  );
}

function McpServerCard({ server }: { server: McpServerWithProvider }) {
  const provider = server.provider.name;
  const connection = useConnection(provider).data ?? null;
  return (
    <section className="taskr-mcp-server" aria-label={server.displayName}>
      <h2>{server.displayName}</h2>
      <p className="taskr-muted">
        <code>{server.url}</code>
        {server.visibility === "workspace" ? " · for the whole workspace" : ""}
      </p>
      {connection?.status === "active" ? (
        <McpTools provider={provider} />
      ) : (
        <div className="taskr-connect">
          <p>Connect to see this server's tools.</p>
          <ConnectButton provider={provider} className="taskr-primary" />
        </div>
      )}
    </section>
  );
}

function McpTools({ provider }: { provider: string }) {
  const queryClient = useQueryClient();
  const queryKey = ["taskr", "mcp-tools", provider];
  const tools = useQuery<{ tools: McpTool[] }, ApiError>({
    queryKey,
    queryFn: () => api.mcpTools(provider),
  });
  if (tools.isPending) return <p className="taskr-muted">Loading tools…</p>;
  if (tools.isError) {
    return fixedByConnecting(tools.error) ? (
      <ConnectionRequired
        error={tools.error}
        className="taskr-primary"
        onSuccess={() => queryClient.invalidateQueries({ queryKey })}
      />
    ) : (
      <p role="alert" className="taskr-error">
        {tools.error.message}
      </p>
    );
  }
  return (
    <ul className="taskr-mcp-tools" aria-label="Tools">
      {tools.data.tools.map((tool) => (
        <McpToolItem key={tool.name} provider={provider} tool={tool} />
      ))}
    </ul>
  );
}

function McpToolItem({ provider, tool }: { provider: string; tool: McpTool }) {
  const fields = Object.entries(tool.inputSchema.properties ?? {}).filter(
    ([, property]) => property.type === "string",
  );
  const [values, setValues] = useState<Record<string, string>>({});
  const run = useMutation<McpToolResult, ApiError>({
    mutationFn: () => api.runMcpTool(provider, tool.name, values),
  });
  const onSubmit = (event: FormEvent) => {
    event.preventDefault();
    run.mutate();
  };
  return (
    <li aria-label={tool.name}>
      <form className="taskr-row taskr-inline-form" onSubmit={onSubmit}>
        <strong>{tool.name}</strong>
        <span className="taskr-muted">{tool.description}</span>
        {fields.map(([name, property]) => (
          <label key={name}>
            {name}
            <input
              name={name}
              required
              title={property.description}
              value={values[name] ?? ""}
              onChange={(event) => setValues({ ...values, [name]: event.target.value })}
            />
          </label>
        ))}
        <button type="submit" className="taskr-primary" disabled={run.isPending}>
          Run {tool.name}
        </button>
      </form>
      {run.data ? (
        <figure aria-label={`${tool.name} result`} data-error={run.data.isError || undefined}>
          <pre>
            {run.data.content.map((part) => readable(part.text ?? `[${part.type}]`)).join("\n")}
          </pre>
        </figure>
      ) : null}
      {run.error ? (
        fixedByConnecting(run.error) ? (
          <ConnectionRequired
            error={run.error}
            className="taskr-primary"
            onSuccess={() => run.mutate()}
          />
        ) : (
          <p role="alert" className="taskr-error">
            {run.error.message}
          </p>
        )
      ) : null}
    </li>
  );
}
