import type * as Client from "@x/client";
import type * as Server from "@x/server";
import { expectTypeOf, test } from "vitest";

/*
 * @x/client writes out the server's wire types, since the browser package must not depend on
 * the server. Each must be exactly the server's (which its zod schema checks at compile time):
 * a field added, removed, renamed, retyped or made optional on either side fails `pnpm
 * typecheck`, naming the field. At run time these assertions do nothing; the test is the
 * compiling.
 */
test("@x/client's wire types are @x/server's", () => {
  expectTypeOf<Client.Provider>().toEqualTypeOf<Server.ProviderInfo>();
  expectTypeOf<Client.Connection>().toEqualTypeOf<Server.Connection>();
  expectTypeOf<Client.McpServer>().toEqualTypeOf<Omit<Server.McpServer, "provider">>();
  // Branded: compared field by field, since the client's is an intersection.
  expectTypeOf<Client.McpServerWithProvider>().branded.toEqualTypeOf<Server.McpServer>();
  expectTypeOf<Client.ConnectStart>().toEqualTypeOf<Server.ConnectStart>();
  expectTypeOf<Client.ConnectFlow>().toEqualTypeOf<Server.ConnectFlow>();
  expectTypeOf<Client.ErrorBody>().toEqualTypeOf<Server.ErrorBody>();
});

test("@x/client's error codes are the server's, and the browser's own", () => {
  expectTypeOf<Client.ServerErrorCode>().toEqualTypeOf<Server.ConnectionsErrorCode>();
  expectTypeOf<Client.ConnectErrorCode>().toEqualTypeOf<
    Server.ConnectionsErrorCode | Client.BrowserErrorCode
  >();
  expectTypeOf<Client.BrowserErrorCode>().toEqualTypeOf<
    "cancelled" | "popup_blocked" | "network_error" | "unsafe_url"
  >();
});
