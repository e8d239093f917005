import { OAuthError } from "../errors";

/**
 * Reads one OAuth parameter. RFC 6749 §3.1: a parameter sent without a value counts as omitted,
 * and a parameter sent twice makes the request invalid.
 */
export function readParam(params: URLSearchParams, name: string): string | null {
  const values = params.getAll(name);
  if (values.length > 1) {
    throw new OAuthError("invalid_request", `"${name}" must not be sent more than once`);
  }
  const value = values[0];
  return value ? value : null;
}

export function requireParam(params: URLSearchParams, name: string): string {
  const value = readParam(params, name);
  if (value === null) throw new OAuthError("invalid_request", `"${name}" is required`);
  return value;
}

/** RFC 6749 §4.1.3 and RFC 7009 §2.1: bodies are application/x-www-form-urlencoded. */
export async function readFormBody(request: Request): Promise<URLSearchParams> {
  const type = request.headers.get("content-type") ?? "";
  if (!type.toLowerCase().startsWith("application/x-www-form-urlencoded")) {
    throw new OAuthError("invalid_request", "the body must be application/x-www-form-urlencoded");
  }
  return new URLSearchParams(await request.text());
}
