import { defineConfig } from "tsdown";
import { published } from "../../tsdown.base";

export default defineConfig({
  ...published,
  entry: { index: "src/index.ts", mcp: "src/mcp/index.ts", "x-vault": "src/cli/x-vault.ts" },
  platform: "node",
});
