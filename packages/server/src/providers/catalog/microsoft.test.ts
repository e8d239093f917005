import { describe, expect, it } from "vitest";
import { microsoft, parseMicrosoftMe, withOfflineAccess } from "./microsoft";

describe("withOfflineAccess", () => {
  it("adds offline_access once", () => {
    expect(withOfflineAccess(["User.Read"])).toEqual(["User.Read", "offline_access"]);
    expect(withOfflineAccess(["offline_access", "Mail.Read"])).toEqual([
      "offline_access",
      "Mail.Read",
    ]);
  });
});

describe("microsoft()", () => {
  it("puts the tenant in the URL, common by default", () => {
    expect(microsoft().authorizationEndpoint).toBe(
      "https://login.microsoftonline.com/common/oauth2/v2.0/authorize",
    );
    expect(microsoft({ tenant: "contoso.onmicrosoft.com" }).tokenEndpoint).toBe(
      "https://login.microsoftonline.com/contoso.onmicrosoft.com/oauth2/v2.0/token",
    );
  });

  it("always asks for offline_access, also with the caller's scopes", () => {
    expect(microsoft().scopes).toEqual(["User.Read", "offline_access"]);
    expect(microsoft({ scopes: ["Mail.Read"] }).scopes).toEqual(["Mail.Read", "offline_access"]);
  });

  it("names the account from Graph /me", () => {
    expect(
      parseMicrosoftMe({ id: "1", displayName: "Alice", userPrincipalName: "alice@contoso.com" }),
    ).toEqual({ accountId: "1", name: "Alice", handle: "alice@contoso.com" });
  });
});
