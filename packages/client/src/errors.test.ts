import { describe, expect, expectTypeOf, test } from "vitest";
import { ConnectError, type ConnectErrorOf, type UnknownErrorCode } from "./errors";
import { readConnectResult } from "./redirect";
import type { ConnectResult } from "./types";

// The type-level assertions fail `pnpm typecheck`; the runtime ones, the test run.
describe("ConnectError, a discriminated union on code", () => {
  test("comparing code narrows the error to that code's fields", () => {
    const caught: unknown = new ConnectError("insufficient_scope", "Attio needs more access", {
      provider: "attio",
      scopes: ["record:write"],
    });
    if (!(caught instanceof ConnectError)) throw new Error("not a ConnectError");
    expectTypeOf(caught).toEqualTypeOf<ConnectError>();
    if (caught.code === "insufficient_scope") {
      expectTypeOf(caught.scopes).toEqualTypeOf<string[]>();
      expectTypeOf(caught.provider).toEqualTypeOf<string>();
    }
    if (caught.code === "forbidden")
      expectTypeOf(caught.provider).toEqualTypeOf<string | undefined>();
    expect(caught).toMatchObject({ name: "ConnectError", scopes: ["record:write"] });
  });

  test("instanceof narrows both ways, and a code this version does not list stays apart", () => {
    const result = { status: "success", provider: "attio" } as ConnectResult | ConnectError;
    if (result instanceof ConnectError) expectTypeOf(result).toEqualTypeOf<ConnectError>();
    else expectTypeOf(result).toEqualTypeOf<ConnectResult>();

    const { error } = readConnectResult({ search: "?x_connect=error&code=newer_code" }) as {
      error: ConnectError;
    };
    expect(error).toBeInstanceOf(ConnectError);
    expect(error.code as string).toBe("newer_code");
    switch (error.code) {
      case "connection_required":
      case "reauth_required":
      case "insufficient_scope":
        expectTypeOf(error.provider).toEqualTypeOf<string>();
        break;
      default:
        expectTypeOf(error).extract<ConnectErrorOf<UnknownErrorCode>>().not.toBeNever();
    }
  });

  test("the errors that name a provider cannot be built without it", () => {
    // @ts-expect-error connection_required names the provider to connect
    expect(new ConnectError("connection_required").message).toBe("connection_required");
    // @ts-expect-error insufficient_scope names the scopes a step-up asks for
    expect(new ConnectError("insufficient_scope", "m", { provider: "attio" }).provider).toBe(
      "attio",
    );
    // @ts-expect-error an unlisted code is a typo until this version lists it
    expect(new ConnectError("forbiden").code).toBe("forbiden");
  });
});
