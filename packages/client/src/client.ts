import { ConnectError, errorFromBody } from "./errors";
import { openPopup, waitForResult } from "./popup";
import { pathWithoutConnectResult } from "./redirect";
import type {
  AddMcpServerOptions,
  ConnectFlow,
  Connection,
  ConnectOptions,
  ConnectResult,
  ConnectStart,
  FlowOutcome,
  McpServer,
  McpServerWithProvider,
  Provider,
  SaveSecretOptions,
} from "./types";

export type ConnectClientOptions = {
  /** Where the host mounted the routes: "/api/connections" or an absolute URL. */
  baseUrl: string;
  fetch?: typeof fetch;
};

export type ConnectClient = ReturnType<typeof createConnectClient>;

/**
 * The popup is same-origin `about:blank` and redirect mode navigates the app itself: a
 * `javascript:` or `data:` URL there would run in the app's origin, so only http(s) is followed,
 * whatever the server answered.
 */
const navigable = (url: string, provider: string) => {
  // On the raw text: a leading space or control character, which a browser would strip, fails.
  if (/^https?:/i.test(url)) return url;
  throw new ConnectError("unsafe_url", undefined, { provider });
};

export const createConnectClient = ({ baseUrl, fetch: fetcher }: ConnectClientOptions) => {
  const base = baseUrl.replace(/\/+$/, "");

  // `key` unwraps the one-field envelopes such as `{ connection }`.
  const request = async <Result>(method: string, path: string, key?: string, body?: unknown) => {
    let response: Response;
    try {
      // Resolved per call so a fetch patched after start-up (tests, polyfills) is honoured.
      response = await (fetcher ?? fetch)(base + path, {
        method,
        credentials: "include",
        headers: {
          // The server rejects any non-GET request without it (CSRF, docs/http-api.md).
          ...(method !== "GET" && { "X-Connect-Request": "1" }),
          ...(body !== undefined && { "Content-Type": "application/json" }),
        },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
    } catch (cause) {
      throw new ConnectError("network_error", "Network error", { cause });
    }
    const data = response.status === 204 ? undefined : await response.json().catch(() => null);
    if (!response.ok) throw errorFromBody(response.status, data);
    return (key ? data[key] : data) as Result;
  };

  const encode = encodeURIComponent;
  const start = (provider: string, body: ConnectOptions) =>
    request<ConnectStart>("POST", `/connect/${encode(provider)}`, "", body);
  const flow = (flowId: string) => request<ConnectFlow>("GET", `/flows/${encode(flowId)}`);

  const redirect = async (provider: string, options: ConnectOptions) => {
    const { authorizeUrl } = await start(provider, {
      mode: "redirect",
      visibility: options.visibility,
      returnTo: options.returnTo ?? pathWithoutConnectResult(location.href),
      scopes: options.scopes,
    });
    location.assign(navigable(authorizeUrl, provider));
    // The page is leaving; settling would only flash a result the user never sees.
    return new Promise<never>(() => {});
  };

  const connect = (provider: string, options: ConnectOptions = {}): Promise<ConnectResult> => {
    const { mode, visibility, scopes } = options;
    if (mode === "redirect") return redirect(provider, options);
    // Synchronously, before any await: the click's user activation must still be live.
    const popup = openPopup(`x-connect-${provider}`);
    if (!popup) {
      if (mode === "popup") {
        const message = "The browser blocked the popup";
        return Promise.reject(new ConnectError("popup_blocked", message, { provider }));
      }
      return redirect(provider, options);
    }
    return start(provider, { mode: "popup", visibility, scopes })
      .then(({ authorizeUrl, flowId, nonce, resultOrigin: origin }) => {
        popup.location.href = navigable(authorizeUrl, provider);
        // A flow the server no longer knows was never finished: the same as a pending one.
        const confirm = () =>
          flow(flowId).catch((error: ConnectError): FlowOutcome => {
            if (error.code === "not_found") return { status: "pending", provider };
            throw error;
          });
        return waitForResult({ popup, origin, nonce, confirm });
      })
      .catch((error) => {
        popup.close();
        throw error;
      });
  };

  return {
    providers: () => request<Provider[]>("GET", "/providers", "providers"),
    connections: () => request<Connection[]>("GET", "/connections", "connections"),
    connect,
    disconnect: (id: string) => request<void>("DELETE", `/connections/${encode(id)}`),
    rename: (id: string, name: string) =>
      request<Connection>("PATCH", `/connections/${encode(id)}`, "connection", { name }),
    saveSecret: (provider: string, secret: string, options: SaveSecretOptions = {}) =>
      request<Connection>("POST", "/connections", "connection", { provider, secret, ...options }),
    check: (id: string) =>
      request<Connection>("POST", `/connections/${encode(id)}/check`, "connection"),
    flow,
    mcpServers: () => request<McpServerWithProvider[]>("GET", "/mcp-servers", "servers"),
    /** Adds an MCP server by its URL, after the server discovered it; answers the existing one. */
    addMcpServer: (url: string, options: AddMcpServerOptions = {}) =>
      request<{ server: McpServer; provider: Provider }>("POST", "/mcp-servers", undefined, {
        url,
        ...options,
      }),
  };
};
