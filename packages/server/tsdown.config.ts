import { defineConfig } from "tsdown";

export default defineConfig({
  entry: { index: "src/index.ts", mcp: "src/mcp/index.ts", "x-vault": "src/cli/x-vault.ts" },
  format: "esm",
  dts: true,
  platform: "node",
  fixedExtension: false,
});
