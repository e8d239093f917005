import { defineConfig } from "tsdown";
import { published } from "../../tsdown.base";

export default defineConfig({
  ...published,
  entry: { index: "src/index.ts", "x-vault": "src/cli/x-vault.ts" },
  platform: "node",
  deps: {
    // The MCP SDK (and what it imports) is bundled until @x/server/mcp makes it an optional
    // peer; nothing else may be.
    onlyBundle: [
      "@modelcontextprotocol/sdk",
      "content-type",
      "pkce-challenge",
      "eventsource-parser",
    ],
  },
});
