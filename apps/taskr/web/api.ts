/** Taskr's own JSON API (sessions and tasks); the connections kit has its own client. */
export type User = { id: string; username: string; role: "admin" | "member" };
export type Task = {
  id: string;
  content: string;
  deadline: string | null;
  completed: boolean;
  assignees: number;
};

export type Enrollment = { enrolled: string; sequenceId: number; authorized: boolean };

/** "open" in sandbox mode only; otherwise a sign-up needs an admin's invite. */
export type SignupMode = "open" | "invite";
export type Invite = { username: string; code: string; url: string; expiresAt: string };

/**
 * `code`, `provider` and `scopes` as the server sent them, so `isConnectionRequired`,
 * `isInsufficientScope` and `<ConnectionRequired>` recognise it.
 */
export class ApiError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly status: number,
    readonly provider?: string,
    readonly scopes?: string[],
    /** Seconds the server asked us to wait (`Retry-After` of a 429 or 503). */
    readonly retryAfter?: number,
  ) {
    super(message);
  }
}

export type McpTool = {
  name: string;
  description: string;
  inputSchema: { properties?: Record<string, { type?: string; description?: string }> };
};
export type McpToolResult = {
  content: { type: string; text?: string }[];
  isError: boolean;
};

async function request<T>(path: string, init: RequestInit = {}): Promise<T> {
  const headers = new Headers(init.headers);
  if (init.method && init.method !== "GET") {
    headers.set("content-type", "application/json");
    headers.set("x-connect-request", "1");
  }
  let response: Response;
  try {
    response = await fetch(path, { ...init, headers, credentials: "same-origin" });
  } catch {
    const message = "Taskr could not be reached. Check your connection and try again.";
    throw new ApiError("network_error", message, 0);
  }
  const body = await response.json().catch(() => null);
  if (!response.ok) {
    throw new ApiError(
      body?.error?.code ?? "http_error",
      body?.error?.message ?? `Request failed (${response.status})`,
      response.status,
      body?.error?.provider,
      body?.error?.scopes,
      Number(response.headers.get("retry-after")) || undefined,
    );
  }
  return body as T;
}

export const api = {
  me: () => request<{ user: User | null }>("/auth/me"),
  signupMode: () => request<{ mode: SignupMode }>("/auth/signup"),
  signup: (username: string, password: string) =>
    request<{ user: User }>("/auth/signup", {
      method: "POST",
      body: JSON.stringify({ username, password }),
    }),
  signupWithInvite: (invite: string, password: string) =>
    request<{ user: User }>("/auth/signup", {
      method: "POST",
      body: JSON.stringify({ invite, password }),
    }),
  lookupInvite: (invite: string) =>
    request<{ username: string; expiresAt: string }>("/auth/invites/lookup", {
      method: "POST",
      body: JSON.stringify({ invite }),
    }),
  createInvite: (username: string) =>
    request<{ invite: Invite }>("/auth/invites", {
      method: "POST",
      body: JSON.stringify({ username }),
    }),
  login: (username: string, password: string) =>
    request<{ user: User }>("/auth/login", {
      method: "POST",
      body: JSON.stringify({ username, password }),
    }),
  logout: () => request<{ ok: true }>("/auth/logout", { method: "POST", body: "{}" }),
  tasks: () => request<{ tasks: Task[] }>("/api/tasks"),
  suggestedMcpServer: () => request<{ url: string | null }>("/api/mcp/suggested"),
  mcpTools: (provider: string) =>
    request<{ tools: McpTool[] }>(`/api/mcp/${encodeURIComponent(provider)}/tools`),
  runMcpTool: (provider: string, tool: string, args: Record<string, string>) =>
    request<McpToolResult>(
      `/api/mcp/${encodeURIComponent(provider)}/tools/${encodeURIComponent(tool)}`,
      { method: "POST", body: JSON.stringify({ arguments: args }) },
    ),
  enroll: (email: string) =>
    request<Enrollment>("/api/sequences", { method: "POST", body: JSON.stringify({ email }) }),
};
