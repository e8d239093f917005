import { ConnectError, type ConnectErrorCode } from "./errors";

/** The query parameters the callback appends to `returnTo` in redirect mode. */
const resultParameters = ["x_connect", "provider", "code"];

export type ConnectRedirectResult =
  | { status: "success"; provider: string }
  | { status: "error"; provider: string; error: ConnectError };

/** Reads `?x_connect=success|error&provider=&code=` after a redirect-mode connect came back. */
export const readConnectResult = (
  location: { search: string } = window.location,
): ConnectRedirectResult | null => {
  const parameters = new URLSearchParams(location.search);
  const status = parameters.get("x_connect");
  const provider = parameters.get("provider") ?? "";
  if (status === "success") return { status, provider };
  if (status !== "error") return null;
  // Kept as it came, a code of a newer server included (typed ConnectError's unknown member).
  const code = (parameters.get("code") ?? "provider_error") as ConnectErrorCode;
  // A link carries no scopes: an insufficient_scope from one still has the list its type promises.
  return { status, provider, error: new ConnectError(code, code, { provider, scopes: [] }) };
};

/** `href` as a path + search + hash, without the connect result parameters. */
export const pathWithoutConnectResult = (href: string): string => {
  const url = new URL(href);
  if (url.searchParams.has("x_connect")) {
    for (const name of resultParameters) url.searchParams.delete(name);
  }
  return url.pathname + url.search + url.hash;
};

/** Strips the result parameters so a reload or a shared link does not replay the result. */
export const clearConnectResult = (
  location: Location = window.location,
  history = window.history,
) => history.replaceState(history.state, "", pathWithoutConnectResult(location.href));
