/**
 * Redirect mode may only come back to a path of the app itself: a relative path starting with one
 * "/" (not "//" or "/\", which browsers read as another host). RFC 9700 §4.11.1: no open redirect.
 */
export function safeReturnTo(value: string | undefined, appOrigin: string): string | null {
  if (value === undefined) return null;
  if (!isSinglySlashedPath(value)) return null;
  if ([...value].some((char) => char.charCodeAt(0) < 0x20 || char === "\x7f")) return null;
  try {
    const resolved = new URL(value, appOrigin);
    if (resolved.origin !== appOrigin) return null;
    // Dot segments are resolved here: "/.//evil.com" becomes the path "//evil.com", which a
    // browser reading it as a Location would send to evil.com. Check the result, not the input.
    if (!isSinglySlashedPath(resolved.pathname)) return null;
    return resolved.pathname + resolved.search + resolved.hash;
  } catch {
    return null;
  }
}

function isSinglySlashedPath(path: string): boolean {
  return path.startsWith("/") && !path.startsWith("//") && !path.includes("\\");
}
