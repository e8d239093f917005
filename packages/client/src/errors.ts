import type { ErrorBody } from "./types";

/**
 * Every code @x/server answers with: its `ConnectionsErrorCode`, written out because the browser
 * package does not depend on the server (the contract test fails when the two differ).
 */
export type ServerErrorCode =
  | "unauthenticated"
  | "csrf_rejected"
  | "forbidden"
  | "invalid_request"
  | "payload_too_large"
  | "invalid_secret"
  | "origin_not_allowed"
  | "unknown_provider"
  | "not_found"
  | "provider_name_taken"
  | "mcp_server_exists"
  | "mcp_server_limit"
  | "provider_not_configured"
  | "connection_required"
  | "reauth_required"
  | "insufficient_scope"
  | "invalid_credential"
  | "invalid_state"
  | "issuer_mismatch"
  | "consent_denied"
  | "provider_error"
  | "provider_unreachable"
  | "unsafe_url"
  | "response_too_large"
  | "mcp_discovery_failed"
  | "mcp_pkce_unsupported"
  | "mcp_registration_failed"
  | "mcp_registration_unavailable"
  | "store_unavailable"
  | "vault_unavailable"
  | "invalid_options"
  | "internal_error";

/** The codes the browser raises itself (the server sends `unsafe_url` too, for URLs it refused). */
export type BrowserErrorCode = "cancelled" | "popup_blocked" | "network_error" | "unsafe_url";

export type ConnectErrorCode = ServerErrorCode | BrowserErrorCode;

/**
 * A code a newer server sends that this version does not list; the error keeps it as sent. A
 * nominal type, not `string & {}`: an open string would match every literal, so comparing `code`
 * with "insufficient_scope" could no longer narrow the error. Compare it with a code of your own
 * after `as string`; an exhaustive `switch` over the known codes leaves it in `default`.
 */
declare enum UnknownErrorCode {
  Unlisted = "",
}

export type { UnknownErrorCode };

/** Codes whose remedy is connecting that provider again, so the error always names it. */
type ReconnectCode = "connection_required" | "reauth_required" | "insufficient_scope";

/** One code's error. Use `ConnectError`, the union of them all, which `code` narrows. */
export interface ConnectErrorOf<Code extends ConnectErrorCode | UnknownErrorCode> extends Error {
  code: Code;
  provider: Code extends ReconnectCode ? string : string | undefined;
  /** The HTTP status, when the server answered. */
  status?: number;
  /** insufficient_scope: the scopes the provider said the request needs. */
  scopes: Code extends "insufficient_scope" ? string[] : string[] | undefined;
}

/**
 * Every error @x/client rejects with. A discriminated union on `code`: after
 * `error.code === "insufficient_scope"`, `error.scopes` is a `string[]`.
 */
export type ConnectError<
  Code extends ConnectErrorCode | UnknownErrorCode = ConnectErrorCode | UnknownErrorCode,
> = Code extends unknown ? ConnectErrorOf<Code> : never;

export type ConnectErrorDetails = {
  provider?: string;
  status?: number;
  /** insufficient_scope: the scopes the provider said the request needs. */
  scopes?: string[];
  cause?: unknown;
};

/** What an error of `Code` is built with: those naming a provider cannot be built without it. */
type ConnectErrorArguments<Code> = Code extends ReconnectCode
  ? [
      message: string | undefined,
      details: ConnectErrorDetails &
        Required<
          Pick<
            ConnectErrorDetails,
            Code extends "insufficient_scope" ? "provider" | "scopes" : "provider"
          >
        >,
    ]
  : [message?: string, details?: ConnectErrorDetails];

export interface ConnectErrorConstructor {
  new <Code extends ConnectErrorCode>(
    code: Code,
    ...rest: ConnectErrorArguments<Code>
  ): ConnectError<Code>;
  readonly prototype: ConnectError;
  /** Typed so that `instanceof` narrows to the union, and its `else` excludes every member. */
  [Symbol.hasInstance](value: unknown): value is ConnectError;
}

class ConnectErrorClass extends Error {
  override name = "ConnectError";
  // Declared, not defined: the constructor sets them, and the bundle carries no field list.
  declare code: string;
  declare provider?: string;
  declare status?: number;
  declare scopes?: string[];

  constructor(code: string, message: string = code, details: ConnectErrorDetails = {}) {
    super(message, details);
    this.code = code;
    this.provider = details.provider;
    this.status = details.status;
    this.scopes = details.scopes;
  }
}

// One class at run time; the union is the type the constructor's instances are seen through.
export const ConnectError = ConnectErrorClass as unknown as ConnectErrorConstructor;

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

/** Maps a non-2xx response body (an `ErrorBody`, or anything else) to a ConnectError. */
export const errorFromBody = (status: number, body: unknown): ConnectError => {
  const error = (body as Partial<ErrorBody> | null)?.error;
  return new ConnectError(
    error?.code ?? (status >= 500 ? "provider_error" : "invalid_request"),
    error?.message ?? `HTTP ${status}`,
    { provider: error?.provider, status, scopes: error?.scopes },
  );
};
