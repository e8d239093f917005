import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import type { ReactNode } from "react";
import { api, type User } from "./api";
import { NoticeProvider } from "./notices";
import { AuthPage } from "./pages/auth-page";
import { ConnectionsPage } from "./pages/connections-page";
import { HomePage } from "./pages/home-page";
import { McpServersPage } from "./pages/mcp-servers-page";
import { follow, navigate, usePath } from "./router";

export function App() {
  const path = usePath();
  const me = useQuery({ queryKey: ["taskr", "me"], queryFn: api.me });
  if (me.isPending) return <Shell user={null}>Loading…</Shell>;
  const user = me.data?.user ?? null;
  if (!user) {
    return (
      <Shell user={null}>
        <AuthPage mode={path === "/login" ? "login" : "signup"} />
      </Shell>
    );
  }
  return (
    <Shell user={user}>
      {path === "/connections" ? (
        <ConnectionsPage user={user} />
      ) : path === "/mcp" ? (
        <McpServersPage user={user} />
      ) : (
        <HomePage user={user} />
      )}
    </Shell>
  );
}

function Shell({ user, children }: { user: User | null; children: ReactNode }) {
  const queryClient = useQueryClient();
  const logout = useMutation({
    mutationFn: api.logout,
    onSuccess: () => {
      // Nothing of the last user may show to the next one on this browser.
      queryClient.clear();
      queryClient.setQueryData(["taskr", "me"], { user: null });
      navigate("/login");
    },
  });
  return (
    <div className="taskr">
      <header className="taskr-header">
        <a className="taskr-logo" href="/" onClick={follow("/")}>
          <span aria-hidden="true">✓</span> Taskr
        </a>
        {user ? (
          <nav aria-label="Main">
            <a href="/" onClick={follow("/")}>
              Tasks
            </a>
            <a href="/connections" onClick={follow("/connections")}>
              Connections
            </a>
            <a href="/mcp" onClick={follow("/mcp")}>
              MCP servers
            </a>
            <span className="taskr-muted" data-testid="signed-in-as">
              {user.username}
              {user.role === "admin" ? " · admin" : ""}
            </span>
            <button
              type="button"
              className="taskr-link"
              disabled={logout.isPending}
              onClick={() => logout.mutate()}
            >
              Log out
            </button>
          </nav>
        ) : null}
      </header>
      <main className="taskr-main">
        {logout.error ? (
          <p role="alert" className="taskr-error">
            {logout.error.message}
          </p>
        ) : null}
        <NoticeProvider>{children}</NoticeProvider>
      </main>
    </div>
  );
}
