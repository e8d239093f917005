import { afterEach, beforeEach, describe, expect, test, vi } from "vitest";
import { createConnectClient } from "./client";
import { ConnectError, isConnectionRequired, isInsufficientScope } from "./errors";

const json = (body: unknown, status = 200) =>
  new Response(JSON.stringify(body), { status, headers: { "Content-Type": "application/json" } });

const connection = {
  id: "c1",
  provider: "attio",
  visibility: "user",
  tenantId: "t1",
  userId: "u1",
  scopes: [],
  name: "Acme",
  handle: "ada@acme.test",
  status: "active",
  authFailedAt: null,
  createdAt: "2025-01-01T00:00:00Z",
  lastRefreshedAt: null,
};

const setup = (respond: (path: string, init: RequestInit) => Response | Promise<Response>) => {
  const fetch = vi.fn((url: string | URL | Request, init: RequestInit = {}) =>
    Promise.resolve(respond(String(url), init)),
  );
  return { fetch, client: createConnectClient({ baseUrl: "/api/connections/", fetch }) };
};

const headersOf = (init: RequestInit) => new Headers(init.headers);

afterEach(() => {
  vi.useRealTimers();
  vi.restoreAllMocks();
  vi.unstubAllGlobals();
});

describe("requests", () => {
  test("GETs carry credentials and no CSRF header", async () => {
    const { fetch, client } = setup(() => json({ providers: [{ name: "attio" }] }));
    expect(await client.providers()).toEqual([{ name: "attio" }]);
    const [url, init] = fetch.mock.calls[0]!;
    expect(url).toBe("/api/connections/providers");
    expect(init).toMatchObject({ method: "GET", credentials: "include" });
    expect(headersOf(init!).has("X-Connect-Request")).toBe(false);
  });

  test("every non-GET carries credentials, the CSRF header and a JSON body", async () => {
    const { fetch, client } = setup((_path, init) =>
      init.method === "DELETE" ? new Response(null, { status: 204 }) : json({ connection }),
    );
    await client.rename("c/1", "New");
    await client.disconnect("c1");
    await client.check("c1");
    await client.saveSecret("openai", "sk-1", { visibility: "workspace", name: "Shared" });
    const calls = fetch.mock.calls.map(([url, init]) => [init!.method, url, init!.body]);
    expect(calls).toEqual([
      ["PATCH", "/api/connections/connections/c%2F1", JSON.stringify({ name: "New" })],
      ["DELETE", "/api/connections/connections/c1", undefined],
      ["POST", "/api/connections/connections/c1/check", undefined],
      [
        "POST",
        "/api/connections/connections",
        JSON.stringify({
          provider: "openai",
          secret: "sk-1",
          visibility: "workspace",
          name: "Shared",
        }),
      ],
    ]);
    for (const [, init] of fetch.mock.calls) {
      expect(init!.credentials).toBe("include");
      expect(headersOf(init!).get("X-Connect-Request")).toBe("1");
    }
  });

  test("lists connections and reads a flow", async () => {
    const { fetch, client } = setup((path) =>
      path.endsWith("/connections")
        ? json({ connections: [connection] })
        : json({ flowId: "f1", status: "pending", provider: "attio" }),
    );
    expect(await client.connections()).toEqual([connection]);
    expect(await client.flow("f1")).toMatchObject({ status: "pending" });
    expect(fetch.mock.calls[1]![0]).toBe("/api/connections/flows/f1");
  });
});

describe("errors", () => {
  test("maps the server's error body to a ConnectError with code, provider and status", async () => {
    const body = {
      error: { code: "connection_required", message: "Connect Attio", provider: "attio" },
    };
    const { client } = setup(() => json(body, 409));
    const error = await client.connections().catch((caught) => caught);
    expect(error).toBeInstanceOf(ConnectError);
    expect(error).toMatchObject({
      code: "connection_required",
      message: "Connect Attio",
      provider: "attio",
      status: 409,
    });
    expect(isConnectionRequired(error)).toBe(true);
  });

  test("a body that is not the contract's still yields a stable code", async () => {
    const { client } = setup(() => new Response("<html>Bad gateway</html>", { status: 502 }));
    await expect(client.providers()).rejects.toMatchObject({ code: "provider_error", status: 502 });
  });

  test("a failed fetch is network_error", async () => {
    const { client } = setup(() => Promise.reject(new TypeError("Failed to fetch")));
    await expect(client.providers()).rejects.toMatchObject({ code: "network_error" });
  });

  test("an insufficient_scope body keeps the scopes a step-up must ask for", async () => {
    const body = {
      error: {
        code: "insufficient_scope",
        message: "tasks needs more access",
        provider: "tasks",
        scopes: ["task:read", "task:read-write"],
      },
    };
    const { client } = setup(() => json(body, 403));
    const error = await client.connections().catch((caught) => caught);
    expect(error).toMatchObject({
      code: "insufficient_scope",
      provider: "tasks",
      scopes: ["task:read", "task:read-write"],
      status: 403,
    });
    expect(isInsufficientScope(error)).toBe(true);
    expect(isConnectionRequired(error)).toBe(false);
    expect(isInsufficientScope({ code: "insufficient_scope", provider: "tasks" })).toBe(false);
    expect(isInsufficientScope(new ConnectError("forbidden"))).toBe(false);
  });

  test("addMcpServer posts the URL and options and returns the server and its provider", async () => {
    const added = {
      server: { id: "s1", name: "tasks", url: "https://mcp.test/mcp" },
      provider: { name: "tasks" },
    };
    const { fetch, client } = setup(() => json(added, 201));
    expect(await client.addMcpServer("https://mcp.test/mcp", { visibility: "workspace" })).toEqual(
      added,
    );
    const [url, init] = fetch.mock.calls[0]!;
    expect(url).toBe("/api/connections/mcp-servers");
    expect(JSON.parse(String(init!.body))).toEqual({
      url: "https://mcp.test/mcp",
      visibility: "workspace",
    });
  });

  test("isConnectionRequired recognises reauth and plain error bodies, nothing else", () => {
    expect(isConnectionRequired({ code: "reauth_required", provider: "attio" })).toBe(true);
    expect(isConnectionRequired(new ConnectError("forbidden"))).toBe(false);
    expect(isConnectionRequired(null)).toBe(false);
  });
});

describe("connect in a popup", () => {
  const origin = "http://localhost:3000";
  type Popup = { closed: boolean; close: () => void; location: { href: string } };
  let popup: Popup;
  let events: string[];

  beforeEach(() => {
    events = [];
    popup = {
      closed: false,
      close: vi.fn(() => {
        popup.closed = true;
      }),
      location: { href: "about:blank" },
    };
    vi.spyOn(window, "open").mockImplementation(() => {
      events.push("open");
      return popup as unknown as Window;
    });
  });

  const started = {
    authorizeUrl: "https://idp.test/authorize?x=1",
    flowId: "f1",
    nonce: "n1",
    resultOrigin: origin,
  };
  const flowStatus = (status: string, extra = {}) => ({
    flowId: "f1",
    status,
    provider: "attio",
    ...extra,
  });

  const connectWith = (flow: () => unknown = () => flowStatus("pending"), answer = started) => {
    let release!: () => void;
    const gate = new Promise<void>((resolve) => {
      release = resolve;
    });
    const { fetch, client } = setup(async (path) => {
      if (path.includes("/flows/")) {
        // A body without a status is the server's error envelope.
        const body = flow() as Record<string, unknown>;
        return json(body, "status" in body ? 200 : 404);
      }
      events.push("fetch");
      await gate;
      events.push("fetch resolved");
      return json(answer);
    });
    const result = client.connect("attio", { visibility: "workspace", scopes: ["task:read"] });
    return { fetch, result, release };
  };

  const post = (data: unknown, from = origin) =>
    window.dispatchEvent(new MessageEvent("message", { origin: from, data }));

  const success = {
    type: "x-connect:result",
    nonce: "n1",
    flowId: "f1",
    status: "success",
    provider: "attio",
    connectionId: "c9",
  };

  test("opens the popup synchronously, before the POST resolves, then navigates it", async () => {
    const { fetch, result, release } = connectWith();
    expect(events).toEqual(["open", "fetch"]);
    const [, name, features] = vi.mocked(window.open).mock.calls[0]!;
    expect(name).toBe("x-connect-attio");
    expect(features).toContain("width=520");
    expect(features).toContain("height=680");
    release();
    await vi.waitFor(() => expect(popup.location.href).toBe(started.authorizeUrl));
    const [url, init] = fetch.mock.calls[0]!;
    expect(url).toBe("/api/connections/connect/attio");
    expect(JSON.parse(String(init!.body))).toEqual({
      mode: "popup",
      visibility: "workspace",
      scopes: ["task:read"],
    });
    post(success);
    await expect(result).resolves.toEqual({
      status: "success",
      provider: "attio",
      connectionId: "c9",
    });
  });

  test("ignores messages from another origin, of another type or with another nonce", async () => {
    const { result, release } = connectWith();
    release();
    await vi.waitFor(() => expect(popup.location.href).toBe(started.authorizeUrl));
    let settled = false;
    result.finally(() => {
      settled = true;
    });
    post(success, "https://evil.test");
    post({ ...success, nonce: "other" });
    post({ ...success, type: "something-else" });
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(settled).toBe(false);
    post(success);
    await expect(result).resolves.toMatchObject({ connectionId: "c9" });
  });

  test("takes the result from the origin the server named: its own, behind a dev server's proxy", async () => {
    const server = "http://localhost:8787";
    const { result, release } = connectWith(undefined, { ...started, resultOrigin: server });
    release();
    await vi.waitFor(() => expect(popup.location.href).toBe(started.authorizeUrl));
    let settled = false;
    result.finally(() => {
      settled = true;
    });
    post(success);
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(settled).toBe(false);
    post(success, server);
    await expect(result).resolves.toMatchObject({ connectionId: "c9" });
  });

  test("an error message rejects with its code", async () => {
    const { result, release } = connectWith();
    release();
    await vi.waitFor(() => expect(popup.location.href).toBe(started.authorizeUrl));
    post({ ...success, status: "error", error: { code: "consent_denied", message: "Denied" } });
    await expect(result).rejects.toMatchObject({ code: "consent_denied", provider: "attio" });
  });

  test("a closed popup with a pending flow is cancelled after asking the server", async () => {
    vi.useFakeTimers();
    const { fetch, result, release } = connectWith(() => flowStatus("pending"));
    const outcome = result.catch((error) => error);
    release();
    await vi.advanceTimersByTimeAsync(0);
    popup.closed = true;
    await vi.advanceTimersByTimeAsync(500);
    const error = await outcome;
    expect(error).toMatchObject({ code: "cancelled" });
    expect(fetch.mock.calls.map(([url]) => url)).toContain("/api/connections/flows/f1");
  });

  test("a closed popup whose flow the server does not know is cancelled", async () => {
    vi.useFakeTimers();
    const { result, release } = connectWith(() => ({
      error: { code: "not_found", message: "No such flow" },
    }));
    const outcome = result.catch((error) => error);
    release();
    await vi.advanceTimersByTimeAsync(0);
    popup.closed = true;
    await vi.advanceTimersByTimeAsync(500);
    expect(await outcome).toMatchObject({ code: "cancelled", provider: "attio" });
  });

  test("a closed popup whose flow succeeded resolves (COOP hid the message)", async () => {
    vi.useFakeTimers();
    const { result, release } = connectWith(() => flowStatus("success", { connectionId: "c7" }));
    release();
    await vi.advanceTimersByTimeAsync(0);
    popup.closed = true;
    await vi.advanceTimersByTimeAsync(500);
    await expect(result).resolves.toEqual({
      status: "success",
      provider: "attio",
      connectionId: "c7",
    });
  });

  test("a closed popup whose flow failed rejects with the flow's code", async () => {
    vi.useFakeTimers();
    const { result, release } = connectWith(() =>
      flowStatus("error", { error: { code: "provider_error", message: "Boom" } }),
    );
    const outcome = result.catch((error) => error);
    release();
    await vi.advanceTimersByTimeAsync(0);
    popup.closed = true;
    await vi.advanceTimersByTimeAsync(500);
    expect(await outcome).toMatchObject({ code: "provider_error", message: "Boom" });
  });

  test("gives up after the timeout, closes the popup and stops listening", async () => {
    vi.useFakeTimers();
    const removed = vi.spyOn(window, "removeEventListener");
    const { result, release } = connectWith();
    const outcome = result.catch((error) => error);
    release();
    await vi.advanceTimersByTimeAsync(600_000);
    expect(await outcome).toMatchObject({ code: "cancelled" });
    expect(popup.close).toHaveBeenCalled();
    expect(removed).toHaveBeenCalledWith("message", expect.any(Function));
    expect(vi.getTimerCount()).toBe(0);
  });

  test("a failed POST closes the popup and rejects with the server's error", async () => {
    const { client } = setup(() =>
      json(
        { error: { code: "provider_not_configured", message: "Needs admin", provider: "attio" } },
        409,
      ),
    );
    await expect(client.connect("attio")).rejects.toMatchObject({
      code: "provider_not_configured",
      status: 409,
    });
    expect(popup.close).toHaveBeenCalled();
  });
});

describe("connect when the popup is blocked", () => {
  const started = { authorizeUrl: "https://idp.test/authorize?y=2", flowId: "f2", nonce: "n2" };

  test("falls back to a redirect that comes back to the same place", async () => {
    vi.spyOn(window, "open").mockReturnValue(null);
    const assign = vi.fn();
    vi.stubGlobal("location", {
      href: "http://localhost:3000/settings?tab=apps&x_connect=error&code=x#top",
      assign,
    });
    const { fetch, client } = setup(() => json(started));
    void client.connect("attio");
    await vi.waitFor(() => expect(assign).toHaveBeenCalledWith(started.authorizeUrl));
    expect(JSON.parse(String(fetch.mock.calls[0]![1]!.body))).toEqual({
      mode: "redirect",
      returnTo: "/settings?tab=apps#top",
    });
  });

  test('mode "popup" rejects with popup_blocked instead', async () => {
    vi.spyOn(window, "open").mockReturnValue(null);
    const { fetch, client } = setup(() => json(started));
    await expect(client.connect("attio", { mode: "popup" })).rejects.toMatchObject({
      code: "popup_blocked",
    });
    expect(fetch).not.toHaveBeenCalled();
  });

  test('mode "redirect" never opens a popup', async () => {
    const open = vi.spyOn(window, "open");
    const assign = vi.fn();
    vi.stubGlobal("location", { href: "http://localhost:3000/", assign });
    const { fetch, client } = setup(() => json(started));
    void client.connect("attio", {
      mode: "redirect",
      returnTo: "/done",
      visibility: "user",
      scopes: ["task:read-write"],
    });
    await vi.waitFor(() => expect(assign).toHaveBeenCalledWith(started.authorizeUrl));
    expect(open).not.toHaveBeenCalled();
    expect(JSON.parse(String(fetch.mock.calls[0]![1]!.body))).toEqual({
      mode: "redirect",
      visibility: "user",
      returnTo: "/done",
      scopes: ["task:read-write"],
    });
  });

  test.each(["javascript:alert(document.cookie)", "data:text/html,<script>x</script>"])(
    "never navigates the app to %s, whatever the server answered",
    async (authorizeUrl) => {
      vi.spyOn(window, "open").mockReturnValue(null);
      const assign = vi.fn();
      vi.stubGlobal("location", { href: "http://localhost:3000/", assign });
      const { client } = setup(() => json({ ...started, authorizeUrl }));
      await expect(client.connect("attio")).rejects.toMatchObject({ code: "unsafe_url" });
      expect(assign).not.toHaveBeenCalled();
    },
  );
});

describe("connect to an authorize URL that is not http(s)", () => {
  test("leaves the same-origin popup blank and closes it", async () => {
    const popup = { closed: false, close: vi.fn(), location: { href: "about:blank" } };
    vi.spyOn(window, "open").mockReturnValue(popup as unknown as Window);
    const { client } = setup(() =>
      json({ authorizeUrl: "javascript:alert(document.cookie)", flowId: "f3", nonce: "n3" }),
    );
    await expect(client.connect("attio")).rejects.toMatchObject({ code: "unsafe_url" });
    expect(popup.location.href).toBe("about:blank");
    expect(popup.close).toHaveBeenCalled();
  });
});
