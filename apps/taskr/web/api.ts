/** Taskr's own JSON API (sessions and tasks); the connections kit has its own client. */
export type User = { id: string; username: string; role: "admin" | "member" };
export type Task = {
  id: string;
  content: string;
  deadline: string | null;
  completed: boolean;
  assignees: number;
};

export class ApiError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly status: number,
  ) {
    super(message);
  }
}

async function request<T>(path: string, init: RequestInit = {}): Promise<T> {
  const headers = new Headers(init.headers);
  if (init.method && init.method !== "GET") {
    headers.set("content-type", "application/json");
    headers.set("x-connect-request", "1");
  }
  const response = await fetch(path, { ...init, headers, credentials: "same-origin" });
  const body = await response.json().catch(() => null);
  if (!response.ok) {
    throw new ApiError(
      body?.error?.code ?? "http_error",
      body?.error?.message ?? `Request failed (${response.status})`,
      response.status,
    );
  }
  return body as T;
}

export const api = {
  me: () => request<{ user: User | null }>("/auth/me"),
  signup: (username: string, password: string) =>
    request<{ user: User }>("/auth/signup", {
      method: "POST",
      body: JSON.stringify({ username, password }),
    }),
  login: (username: string, password: string) =>
    request<{ user: User }>("/auth/login", {
      method: "POST",
      body: JSON.stringify({ username, password }),
    }),
  logout: () => request<{ ok: true }>("/auth/logout", { method: "POST", body: "{}" }),
  tasks: () => request<{ tasks: Task[] }>("/api/tasks"),
};
