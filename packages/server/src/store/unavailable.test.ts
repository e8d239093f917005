import { describe, expect, it } from "vitest";
import { isStoreUnavailable } from "./unavailable";

const withCode = (code: string, cause?: unknown) =>
  Object.assign(new Error("driver"), { code }, cause === undefined ? {} : { cause });

describe("isStoreUnavailable", () => {
  it("recognises the driver's outage codes, also beneath a query error", () => {
    expect(isStoreUnavailable(withCode("ECONNREFUSED"))).toBe(true);
    expect(isStoreUnavailable(new Error("Failed query", { cause: withCode("57P01") }))).toBe(true);
    expect(isStoreUnavailable(withCode("23505"))).toBe(false);
  });

  it("is not fooled by a provider: fetch's TypeError, or a JSON body carrying a code", () => {
    expect(
      isStoreUnavailable(new TypeError("fetch failed", { cause: withCode("ECONNRESET") })),
    ).toBe(false);
    // oauth4webapi hangs the token endpoint's parsed body on `cause`; a server chooses its fields.
    const body = { error: "server_error", code: "ECONNRESET" };
    expect(isStoreUnavailable(new Error("server responded with an error", { cause: body }))).toBe(
      false,
    );
  });
});
