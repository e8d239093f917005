import { describe, expect, it } from "vitest";
import { readConfig } from "./config";

describe("readConfig", () => {
  it("starts on the sandbox with private MCP addresses refused", () => {
    expect(readConfig({})).toMatchObject({
      useSandbox: true,
      mcpAllowPrivateNetwork: false,
      MCP_SANDBOX_PORT: 3052,
      baseUrl: "http://localhost:3050",
    });
  });

  it("allows private MCP addresses only when asked, and names a bad value", () => {
    expect(readConfig({ MCP_ALLOW_PRIVATE_NETWORK: "true" }).mcpAllowPrivateNetwork).toBe(true);
    expect(() => readConfig({ MCP_ALLOW_PRIVATE_NETWORK: "yes" })).toThrow(
      /MCP_ALLOW_PRIVATE_NETWORK/,
    );
  });

  it("needs both Attio credentials or neither", () => {
    expect(() => readConfig({ ATTIO_CLIENT_ID: "id" })).toThrow(/ATTIO_CLIENT_SECRET/);
    expect(readConfig({ ATTIO_CLIENT_ID: "id", ATTIO_CLIENT_SECRET: "s" }).useSandbox).toBe(false);
  });
});
