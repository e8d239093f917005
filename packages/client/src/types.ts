// Shapes of the BFF's HTTP contract (docs/http-api.md). The wire types are @x/server's, written
// out: the contract test (contract/) fails when one of them differs from the server's.
import type { ServerErrorCode } from "./errors";

export type Visibility = "user" | "workspace";
export type ConnectMode = "popup" | "redirect";

export type Provider = {
  name: string;
  displayName: string;
  kind: "oauth2" | "secret";
  /** false: "needs server admin"; connecting is disabled. */
  configured: boolean;
  scopes: string[];
  iconUrl?: string | undefined;
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

/** What GET /flows/:flowId returns: how a connect flow ended, or that nobody finished it. */
export type ConnectFlow = {
  flowId: string;
  status: "pending" | "success" | "error";
  provider: string;
  connectionId?: string | undefined;
  error?: { code: ServerErrorCode } | undefined;
};

/**
 * What settles a popup: a GET /flows answer, or what the popup posts (with `type` and `nonce`,
 * and a message for the error). A flow the server forgot is settled without its `flowId`.
 */
export type FlowOutcome = Omit<ConnectFlow, "flowId" | "error"> & {
  flowId?: string | undefined;
  error?: { code: ServerErrorCode; message?: string | undefined } | undefined;
};

/** The body of every non-2xx answer of the routes (and of `connectionsErrorResponse`'s). */
export type ErrorBody = {
  error: {
    code: ServerErrorCode;
    message: string;
    provider?: string | undefined;
    /** insufficient_scope: what the provider said the request needs. */
    scopes?: string[] | undefined;
  };
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
