import { ConnectionsError } from "./errors";

// Printable ASCII, with spaces inside only: what an HTTP field value carries unchanged
// (RFC 9110 §5.5). A CR or LF would split the header; fetch refuses it with an error that
// quotes the whole value, which would put the credential in a log.
const HEADER_SAFE = /^[\x21-\x7e](?:[\x20-\x7e]*[\x21-\x7e])?$/;

export function isHeaderSafe(value: string): boolean {
  return HEADER_SAFE.test(value);
}

/**
 * The Authorization header for a credential (RFC 6750 §2.1). Built only here, so no code path
 * can hand fetch a value it would quote back in an error.
 */
export function bearerAuthorization(credential: string, provider: string): string {
  if (!isHeaderSafe(credential)) {
    throw new ConnectionsError(
      "invalid_credential",
      `The stored ${provider} credential cannot be sent in a header: connect ${provider} again`,
      { provider },
    );
  }
  return `Bearer ${credential}`;
}
