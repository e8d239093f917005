import { defineConfig } from "tsdown";
import { published } from "../../tsdown.base";

export default defineConfig({
  ...published,
  entry: { index: "src/index.ts", mcp: "src/mcp/index.ts", "x-vault": "src/cli/x-vault.ts" },
  // x-vault is a command (bin/x-vault.js imports it) and has no types: only the library's
  // entries get declaration files (an empty x-vault.d.ts would ship otherwise).
  dts: { entry: ["src/index.ts", "src/mcp/index.ts"] },
  platform: "node",
});
