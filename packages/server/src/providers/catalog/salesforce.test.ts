import { describe, expect, it } from "vitest";
import { parseSalesforceUserinfo, salesforce, salesforceIdentityUrl } from "./salesforce";

describe("salesforceIdentityUrl", () => {
  it("asks the org's own instance", () => {
    expect(
      salesforceIdentityUrl({
        accessToken: "00D!x",
        extras: { instance_url: "https://acme.my.salesforce.com/" },
      }),
    ).toBe("https://acme.my.salesforce.com/services/oauth2/userinfo");
  });

  it("falls back to the record's URL when the instance is unknown", () => {
    expect(salesforceIdentityUrl({ accessToken: "00D!x" })).toBeNull();
  });
});

describe("salesforce()", () => {
  it("logs in at a sandbox org's login host when told", () => {
    const provider = salesforce({ loginUrl: "https://test.salesforce.com/" });
    expect(provider.authorizationEndpoint).toBe(
      "https://test.salesforce.com/services/oauth2/authorize",
    );
    expect(provider.revocationEndpoint).toBe("https://test.salesforce.com/services/oauth2/revoke");
  });

  it("names the user from userinfo", () => {
    expect(
      parseSalesforceUserinfo({
        sub: "https://login.salesforce.com/id/00D/005",
        user_id: "005",
        name: "Alice",
        preferred_username: "alice@acme.test",
      }),
    ).toEqual({ accountId: "005", name: "Alice", handle: "alice@acme.test" });
  });
});
