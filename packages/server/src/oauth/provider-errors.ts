import * as oauth from "oauth4webapi";
import { ConnectionsError } from "../errors";

/**
 * oauth4webapi's failures → our stable codes. Messages carry the provider's error code, never a
 * request or response body (which could hold a token).
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
      `${displayName} refused the authorization: ${error.error}`,
      {
        provider,
      },
    );
  }
  if (error instanceof oauth.ResponseBodyError) {
    return new ConnectionsError(
      "provider_error",
      `${displayName} answered ${error.status}: ${error.error}`,
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
    return new ConnectionsError(
      "provider_error",
      `${displayName} sent an invalid response: ${error.message}`,
      {
        provider,
      },
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
