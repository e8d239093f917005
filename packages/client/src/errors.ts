/** The server's codes (docs/http-api.md) plus the ones only the browser can produce. */
export type ConnectErrorCode =
  | "unauthenticated"
  | "csrf_rejected"
  | "forbidden"
  | "unknown_provider"
  | "not_found"
  | "invalid_request"
  | "provider_not_configured"
  | "connection_required"
  | "reauth_required"
  | "insufficient_scope"
  | "invalid_state"
  | "consent_denied"
  | "provider_error"
  | "provider_unreachable"
  | "invalid_secret"
  | "cancelled"
  | "popup_blocked"
  | "network_error"
  | "unsafe_url"
  // A newer server may send codes this client does not know yet.
  | (string & {});

export type ConnectErrorDetails = {
  provider?: string;
  status?: number;
  /** insufficient_scope: the scopes the provider said the request needs. */
  scopes?: string[];
  cause?: unknown;
};

export class ConnectError extends Error {
  override name = "ConnectError";
  // Declared, not defined: the constructor sets them, and the bundle carries no field list.
  declare code: ConnectErrorCode;
  declare provider?: string;
  declare status?: number;
  declare scopes?: string[];

  constructor(code: ConnectErrorCode, message: string = code, details: ConnectErrorDetails = {}) {
    super(message, details);
    this.code = code;
    this.provider = details.provider;
    this.status = details.status;
    this.scopes = details.scopes;
  }
}

/**
 * True when connecting (or reconnecting) `provider` would fix the failure. Duck-typed so it
 * also recognises the `{ code, provider }` error body of the host's own API routes.
 */
export const isConnectionRequired = (
  error: unknown,
): error is {
  code: "connection_required" | "reauth_required";
  provider: string;
  message: string;
} => {
  const code = (error as { code?: unknown } | null)?.code;
  return code === "connection_required" || code === "reauth_required";
};

/**
 * True when the provider accepted the connection but wants more scopes for the request: connect
 * again with `{ scopes }` (a step-up). Duck-typed like isConnectionRequired.
 */
export const isInsufficientScope = (
  error: unknown,
): error is { code: "insufficient_scope"; provider: string; scopes: string[]; message: string } => {
  const candidate = error as { code?: unknown; scopes?: unknown } | null;
  return candidate?.code === "insufficient_scope" && Array.isArray(candidate.scopes);
};

/** Maps a non-2xx response body `{ error: { code, message, provider? } }` to a ConnectError. */
export const errorFromBody = (status: number, body: unknown): ConnectError => {
  const error = (
    body as {
      error?: { code?: string; message?: string; provider?: string; scopes?: string[] };
    } | null
  )?.error;
  return new ConnectError(
    error?.code ?? (status >= 500 ? "provider_error" : "invalid_request"),
    error?.message ?? `HTTP ${status}`,
    { provider: error?.provider, status, scopes: error?.scopes },
  );
};
