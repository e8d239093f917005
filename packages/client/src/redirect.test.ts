import { expect, test, vi } from "vitest";
import { ConnectError } from "./errors";
import { clearConnectResult, pathWithoutConnectResult, readConnectResult } from "./redirect";

test("reads a success", () => {
  expect(readConnectResult({ search: "?x_connect=success&provider=attio" })).toEqual({
    status: "success",
    provider: "attio",
  });
});

test("reads an error as a ConnectError with the server's code", () => {
  const result = readConnectResult({
    search: "?x_connect=error&code=consent_denied&provider=attio",
  });
  expect(result?.status).toBe("error");
  const error = result?.status === "error" ? result.error : null;
  expect(error).toBeInstanceOf(ConnectError);
  expect(error).toMatchObject({ code: "consent_denied", provider: "attio" });
});

test("gives an insufficient_scope from a link the scope list its type promises (empty)", () => {
  const result = readConnectResult({
    search: "?x_connect=error&code=insufficient_scope&provider=attio",
  });
  const error = result?.status === "error" ? result.error : null;
  expect(error?.code === "insufficient_scope" && error.scopes).toEqual([]);
});

test("ignores pages without a result, and the host's own provider parameter", () => {
  expect(readConnectResult({ search: "" })).toBeNull();
  expect(readConnectResult({ search: "?provider=attio" })).toBeNull();
  expect(pathWithoutConnectResult("http://a.test/p?provider=attio#h")).toBe("/p?provider=attio#h");
});

test("clears the result parameters and keeps the rest of the URL", () => {
  const replaceState = vi.fn();
  const location = { href: "http://a.test/p?tab=1&x_connect=success&provider=attio#h" } as Location;
  clearConnectResult(location, { state: { keep: 1 }, replaceState } as unknown as History);
  expect(replaceState).toHaveBeenCalledWith({ keep: 1 }, "", "/p?tab=1#h");
});
