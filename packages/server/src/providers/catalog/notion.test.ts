import { describe, expect, it } from "vitest";
import { NOTION_VERSION, notion, notionTokenResponse, parseNotionBotUser } from "./notion";

describe("notionTokenResponse", () => {
  it("flattens the owner so the workspace and installer are kept as strings", () => {
    expect(
      notionTokenResponse({
        access_token: "ntn_1",
        token_type: "bearer",
        bot_id: "b1",
        workspace_id: "w1",
        workspace_name: "Acme",
        workspace_icon: null,
        owner: {
          type: "user",
          user: { object: "user", id: "u1", name: "Alice", person: { email: "a@acme.test" } },
        },
      }),
    ).toEqual({
      access_token: "ntn_1",
      token_type: "bearer",
      bot_id: "b1",
      workspace_id: "w1",
      workspace_name: "Acme",
      workspace_icon: null,
      owner_type: "user",
      owner_user_id: "u1",
      owner_user_name: "Alice",
      owner_user_email: "a@acme.test",
    });
  });

  it("leaves a workspace-owned install without user fields", () => {
    expect(
      notionTokenResponse({ access_token: "ntn_1", owner: { type: "workspace", workspace: true } }),
    ).toEqual({ access_token: "ntn_1", owner_type: "workspace" });
  });
});

describe("notion()", () => {
  it("authenticates with HTTP Basic, asks owner=user and sends Notion-Version to /users/me", () => {
    const provider = notion();
    expect(provider.clientAuth).toBe("client_secret_basic");
    expect(provider.authorizeParams).toEqual({ owner: "user" });
    expect(provider.pkce).toBe(false);
    expect(provider.identity?.headers).toEqual({ "Notion-Version": NOTION_VERSION });
  });

  it("names the account from the bot user's workspace", () => {
    expect(
      parseNotionBotUser({
        object: "user",
        id: "bot1",
        type: "bot",
        bot: {
          owner: { type: "user", user: { person: { email: "a@acme.test" } } },
          workspace_name: "Acme",
        },
      }),
    ).toEqual({ accountId: "bot1", name: "Acme", handle: "a@acme.test" });
  });
});
