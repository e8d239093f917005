import { defineConfig } from "tsdown";

export default defineConfig({
  entry: ["src/index.ts"],
  format: "esm",
  dts: true,
  platform: "node",
  // package.json exports ./dist/index.js and ./dist/index.d.ts; tsdown defaults to .mjs on node.
  fixedExtension: false,
});
