/** RFC 6749 §4.1.2.1 and §5.2 error codes, plus RFC 8707's and RFC 7591's. */
export type OAuthErrorCode =
  | "invalid_request"
  | "invalid_client"
  | "invalid_grant"
  | "unauthorized_client"
  | "unsupported_grant_type"
  | "unsupported_response_type"
  | "invalid_scope"
  | "access_denied"
  | "server_error"
  /** RFC 8707 §2: the resource is unknown or not one this client may ask for. */
  | "invalid_target"
  /** RFC 7591 §3.2.2. */
  | "invalid_redirect_uri"
  | "invalid_client_metadata";

/** An OAuth protocol error; `code` is the wire `error` value. */
export class OAuthError extends Error {
  override readonly name = "OAuthError";
  constructor(
    readonly code: OAuthErrorCode,
    message: string,
  ) {
    super(message);
  }
}

export type AttioErrorCode = "unauthorized" | "forbidden" | "validation_type";

/** An error in the Attio REST API's shape: `{ status_code, type, code, message }`. */
export class AttioApiError extends Error {
  override readonly name = "AttioApiError";
  constructor(
    readonly status: 400 | 401 | 403,
    readonly type: "auth_error" | "invalid_request_error",
    readonly code: AttioErrorCode,
    message: string,
  ) {
    super(message);
  }
}

/**
 * A request to the authorization endpoint that must not redirect, because the client or the
 * redirect URI cannot be trusted (RFC 6749 §4.1.2.1). Rendered as an HTML page.
 */
export class UnsafeAuthorizationError extends Error {
  override readonly name = "UnsafeAuthorizationError";
  readonly code = "unsafe_authorization_request";
}

/** A bad option or knob value; stops the start, or answers 400 on the control endpoints. */
export class SandboxConfigError extends Error {
  override readonly name = "SandboxConfigError";
  readonly code = "invalid_sandbox_config";
}
