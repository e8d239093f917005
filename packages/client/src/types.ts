// Shapes of the BFF's HTTP contract (docs/http-api.md); keep them in step with the server.

export type Visibility = "user" | "workspace";
export type ConnectMode = "popup" | "redirect";

export type Provider = {
  name: string;
  displayName: string;
  kind: "oauth2" | "secret";
  /** false: "needs server admin"; connecting is disabled. */
  configured: boolean;
  scopes: string[];
  iconUrl?: string;
};

export type Connection = {
  id: string;
  provider: string;
  visibility: Visibility;
  tenantId: string;
  userId: string | null;
  scopes: string[];
  name: string | null;
  handle: string | null;
  status: "active" | "auth_failed" | "revoked";
  authFailedAt: string | null;
  createdAt: string;
  lastRefreshedAt: string | null;
};

export type ConnectOptions = {
  /**
   * Omitted: a popup, falling back to a full-page redirect when the browser blocks it.
   * "popup": a popup only; a blocked one rejects with `popup_blocked`.
   * "redirect": a full-page redirect that comes back to `returnTo`.
   */
  mode?: ConnectMode;
  visibility?: Visibility;
  /** Redirect mode: a path starting with one "/"; defaults to the current page. */
  returnTo?: string;
  /**
   * Step-up: scopes needed on top of those the connection holds (an `insufficient_scope`
   * error's `scopes`). The user consents to the union, and the same connection is updated.
   */
  scopes?: string[];
};

export type ConnectResult = { status: "success"; provider: string; connectionId?: string };

export type ConnectStart = {
  authorizeUrl: string;
  flowId: string;
  nonce: string;
  /**
   * The origin the popup's result message comes from (the server's callback): the app's own,
   * or the server's when a dev server on another origin proxies the API.
   */
  resultOrigin: string;
};

/** What GET /flows/:flowId returns, and (with `type` and `nonce`) what the popup posts. */
export type FlowOutcome = {
  flowId?: string;
  status: "pending" | "success" | "error";
  provider: string;
  connectionId?: string;
  error?: { code: string; message: string };
};

export type SaveSecretOptions = { visibility?: Visibility; name?: string };

/** An MCP server added at run time (`POST /mcp-servers`); its provider is listed with the rest. */
export type McpServer = {
  id: string;
  name: string;
  displayName: string;
  url: string;
  visibility: Visibility;
  createdAt: string;
};

/** GET /mcp-servers: each server with the provider to connect it by. */
export type McpServerWithProvider = McpServer & { provider: Provider };

export type AddMcpServerOptions = {
  /** "workspace" (admins only) lets every member connect it; default "user". */
  visibility?: Visibility;
  /** The provider name (kebab-case); default: derived from the URL's host. */
  name?: string;
  displayName?: string;
};
