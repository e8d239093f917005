/**
 * Redirect mode may only come back to a path of the app itself: a relative path starting with one
 * "/" (not "//" or "/\", which browsers read as another host). RFC 9700 §4.11: no open redirect.
 */
export function safeReturnTo(value: string | undefined, appOrigin: string): string | null {
  if (value === undefined) return null;
  if (!value.startsWith("/") || value.startsWith("//") || value.startsWith("/\\")) return null;
  if ([...value].some((char) => char.charCodeAt(0) < 0x20 || char === "\\")) return null;
  try {
    const resolved = new URL(value, appOrigin);
    if (resolved.origin !== appOrigin) return null;
    return resolved.pathname + resolved.search + resolved.hash;
  } catch {
    return null;
  }
}
