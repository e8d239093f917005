/**
 * The parameters of a Bearer challenge (RFC 6750 §3, RFC 9728 §5.1). Other schemes in the same
 * header are skipped; quoted values may contain commas and escaped quotes (RFC 9110 §11.2).
 */
export function parseBearerChallenge(header: string | null): Record<string, string> | null {
  if (!header) return null;
  const start = /(?:^|,)\s*Bearer(?=\s|,|$)/i.exec(header);
  if (!start) return null;
  const params: Record<string, string> = {};
  const pattern = /\s*([A-Za-z0-9_-]+)\s*=\s*(?:"((?:[^"\\]|\\.)*)"|([^\s,"]+))\s*(,|$)/y;
  pattern.lastIndex = start.index + start[0].length;
  for (;;) {
    const match = pattern.exec(header);
    if (!match?.[1]) break;
    params[match[1].toLowerCase()] =
      match[2] !== undefined ? match[2].replace(/\\(.)/g, "$1") : (match[3] ?? "");
    // A token followed by a space (not "=") starts the next scheme.
    if (/^\s*[A-Za-z0-9_-]+\s+[A-Za-z0-9_-]+\s*=/.test(header.slice(pattern.lastIndex))) break;
  }
  return params;
}

/**
 * The scopes a 403 asks for when its challenge says `error="insufficient_scope"` (RFC 6750 §3.1);
 * null for any other answer. An empty list means the server did not say which.
 */
export function insufficientScopeOf(response: Response): string[] | null {
  if (response.status !== 403) return null;
  const challenge = parseBearerChallenge(response.headers.get("www-authenticate"));
  if (challenge?.error !== "insufficient_scope") return null;
  return (challenge.scope ?? "").split(" ").filter(Boolean);
}
