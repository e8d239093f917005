import { describe, expect, it } from "vitest";
import { findFlow, flowScope } from "./connect/flows-repository";
import { findRegistration, saveRegistration } from "./mcp/registrations-repository";
import { attio } from "./providers/attio";
import { dataKeysRepository } from "./store/data-keys-repository";
import { startTestFlow } from "./testing/flows";
import { TEST_KEYS } from "./testing/harness";
import { pgliteForFile } from "./testing/pglite";
import { createVault, envKeyProvider, parseKeyring, VaultOpenError } from "./vault";

const fixture = pgliteForFile(["x_oauth_flows", "x_mcp_client_registrations", "x_data_keys"]);
const vault = createVault({
  keys: envKeyProvider(parseKeyring(TEST_KEYS)),
  dataKeys: dataKeysRepository(() => fixture.store.open()),
});
const query = (sql: string, parameters: unknown[] = []) => fixture.client.query(sql, parameters);

describe("a flow's sealed secrets are bound to its tenant, row, user, provider and visibility", () => {
  it("do not open once a database writer changes whose or which flow it is", async () => {
    const db = await fixture.store.open();
    const { flowId } = await startTestFlow(
      db,
      vault,
      attio({ clientId: "client", clientSecret: "secret" }),
      { tenantId: "acme", userId: "alice", role: "admin" },
    );
    const flow = (await findFlow(db, flowId))!;
    expect(await vault.openJson(flowScope(flow), flow.sealedSecrets)).toHaveProperty(
      "codeVerifier",
    );
    for (const change of [
      "user_id = 'mallory'",
      "provider = 'github'",
      "visibility = 'workspace'",
    ]) {
      await query(`update x_oauth_flows set ${change} where id = $1`, [flowId]);
      const changed = (await findFlow(db, flowId))!;
      await expect(vault.openJson(flowScope(changed), changed.sealedSecrets)).rejects.toThrow(
        VaultOpenError,
      );
      await query(
        "update x_oauth_flows set user_id = 'alice', provider = 'attio', visibility = 'user' where id = $1",
        [flowId],
      );
    }
  });
});

describe("an MCP client registration's sealed secret is bound to its issuer and redirect URI", () => {
  it("does not open once a database writer points the row at another issuer", async () => {
    const db = await fixture.store.open();
    const key = { issuer: "https://as.example", redirectUri: "https://app.example/callback" };
    await saveRegistration(db, vault, key, {
      method: "dynamic",
      clientId: "client-1",
      clientSecret: "registered-client-secret",
      clientAuth: "client_secret_post",
    });
    expect((await findRegistration(db, vault, key))?.clientSecret).toBe("registered-client-secret");

    await query("update x_mcp_client_registrations set issuer = 'https://attacker.example'");
    await expect(
      findRegistration(db, vault, { ...key, issuer: "https://attacker.example" }),
    ).rejects.toThrow(VaultOpenError);
    await query(
      "update x_mcp_client_registrations set issuer = $1, redirect_uri = 'https://attacker.example/cb'",
      [key.issuer],
    );
    await expect(
      findRegistration(db, vault, { ...key, redirectUri: "https://attacker.example/cb" }),
    ).rejects.toThrow(VaultOpenError);
  });
});
