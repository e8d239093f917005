/**
 * Every code the kit answers with, and its HTTP status: one closed set, so a new code is a
 * change here (and in the wire contract, docs/http-api.md and @x/client), never a free string.
 */
export const ERROR_STATUS = {
  // The caller
  unauthenticated: 401,
  csrf_rejected: 403,
  forbidden: 403,
  invalid_request: 400,
  payload_too_large: 413,
  invalid_secret: 400,
  origin_not_allowed: 400,
  // What the caller named
  unknown_provider: 404,
  not_found: 404,
  provider_name_taken: 409,
  mcp_server_exists: 409,
  mcp_server_limit: 409,
  // A connection's state: a prompt to connect, reconnect or grant more
  provider_not_configured: 409,
  connection_required: 409,
  reauth_required: 409,
  insufficient_scope: 403,
  invalid_credential: 409,
  // The connect flow
  invalid_state: 400,
  issuer_mismatch: 400,
  consent_denied: 400,
  // The provider, or the third party a URL named
  provider_error: 502,
  provider_unreachable: 504,
  unsafe_url: 502,
  response_too_large: 502,
  mcp_discovery_failed: 502,
  mcp_pkce_unsupported: 502,
  mcp_registration_failed: 502,
  mcp_registration_unavailable: 409,
  // The kit's own parts
  store_unavailable: 503,
  vault_unavailable: 500,
  invalid_options: 500,
  internal_error: 500,
} as const satisfies Record<string, number>;

export type ConnectionsErrorCode = keyof typeof ERROR_STATUS;

export const ERROR_CODES = Object.keys(ERROR_STATUS) as [
  ConnectionsErrorCode,
  ...ConnectionsErrorCode[],
];

/** Every error the kit throws on purpose has a stable `code`; routes map codes to statuses. */
export class ConnectionsError extends Error {
  readonly code: ConnectionsErrorCode;
  readonly provider: string | undefined;
  constructor(
    code: ConnectionsErrorCode,
    message: string,
    options?: { provider?: string; cause?: unknown },
  ) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause });
    this.name = "ConnectionsError";
    this.code = code;
    this.provider = options?.provider;
  }
}

/** Nothing is connected for that provider: prompt the user to connect (never a null return). */
export class ConnectionRequiredError extends ConnectionsError {
  constructor(provider: string) {
    super("connection_required", `No ${provider} connection: connect ${provider} first`, {
      provider,
    });
    this.name = "ConnectionRequiredError";
  }
}

/** The provider refused the stored grant: the user must connect again. */
export class ReauthRequiredError extends ConnectionsError {
  constructor(provider: string) {
    super("reauth_required", `The ${provider} connection needs to be reconnected`, { provider });
    this.name = "ReauthRequiredError";
  }
}

/**
 * The provider accepted the token but wants more scopes for this request (RFC 6750 §3.1, a 403
 * with `error="insufficient_scope"`). Connecting again with `scopes` asks the user for the union
 * of what the connection holds and what is needed, and updates the same connection.
 */
export class InsufficientScopeError extends ConnectionsError {
  /** What the provider said the request needs; may overlap with what is already granted. */
  readonly scopes: string[];
  constructor(provider: string, scopes: string[]) {
    super(
      "insufficient_scope",
      scopes.length > 0
        ? `${provider} needs more access for this: ${scopes.join(" ")}`
        : `${provider} needs more access for this`,
      { provider },
    );
    this.name = "InsufficientScopeError";
    this.scopes = scopes;
  }
}
