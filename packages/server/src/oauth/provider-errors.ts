import * as oauth from "oauth4webapi";
import { ConnectionsError } from "../shared/errors";

/**
 * The error codes a provider may name in our messages: RFC 6749 §4.1.2.1 and §5.2, RFC 8707 §2
 * and OpenID Connect Core §3.1.2.6. Anything else is a stranger's free text (it could hold a
 * token, or words meant for the user) and is never repeated.
 */
const KNOWN_OAUTH_ERRORS = new Set([
  "invalid_request",
  "unauthorized_client",
  "access_denied",
  "unsupported_response_type",
  "invalid_scope",
  "server_error",
  "temporarily_unavailable",
  "invalid_client",
  "invalid_grant",
  "unsupported_grant_type",
  "invalid_target",
  "interaction_required",
  "login_required",
  "account_selection_required",
  "consent_required",
  "invalid_request_uri",
  "invalid_request_object",
  "request_not_supported",
  "request_uri_not_supported",
  "registration_not_supported",
]);

/** The provider's error code when it is one of the standard ones, else a neutral word. */
export function knownOAuthError(code: unknown): string {
  return typeof code === "string" && KNOWN_OAUTH_ERRORS.has(code) ? code : "an unknown error";
}

/**
 * oauth4webapi's failures → our stable codes. Messages carry the provider's error code when it
 * is a standard one, never a request or response body or the provider's own text.
 */
export function toProviderError(
  error: unknown,
  provider: string,
  displayName = provider,
): ConnectionsError {
  if (error instanceof ConnectionsError) return error;
  if (error instanceof oauth.AuthorizationResponseError) {
    if (error.error === "access_denied") {
      return new ConnectionsError("consent_denied", `Access to ${displayName} was not granted`, {
        provider,
      });
    }
    return new ConnectionsError(
      "provider_error",
      `${displayName} refused the authorization: ${knownOAuthError(error.error)}`,
      {
        provider,
      },
    );
  }
  if (error instanceof oauth.ResponseBodyError) {
    return new ConnectionsError(
      "provider_error",
      `${displayName} answered ${error.status}: ${knownOAuthError(error.error)}`,
      {
        provider,
      },
    );
  }
  if (isTimeout(error)) {
    return new ConnectionsError("provider_unreachable", `${displayName} did not answer in time`, {
      provider,
    });
  }
  if (error instanceof oauth.OperationProcessingError) {
    if (error.code === oauth.INVALID_RESPONSE && /"iss"/.test(error.message)) {
      return new ConnectionsError(
        "issuer_mismatch",
        `The authorization response did not come from ${displayName}'s issuer`,
        { provider },
      );
    }
    // oauth4webapi's own words about what was wrong, never the provider's.
    return new ConnectionsError(
      "provider_error",
      `${displayName} sent an invalid response: ${error.message}`,
      { provider },
    );
  }
  if (error instanceof TypeError) {
    return new ConnectionsError("provider_unreachable", `${displayName} could not be reached`, {
      provider,
    });
  }
  return new ConnectionsError("provider_error", `${displayName} failed unexpectedly`, { provider });
}

export function isTimeout(error: unknown): boolean {
  return (
    error instanceof Error &&
    (error.name === "TimeoutError" || error.name === "AbortError" || isTimeout(error.cause))
  );
}

/** The provider's answer says the grant is dead: only a new consent helps. */
export function isInvalidGrant(error: unknown): boolean {
  return error instanceof oauth.ResponseBodyError && error.error === "invalid_grant";
}
