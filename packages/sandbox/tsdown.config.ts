import { defineConfig } from "tsdown";
import { published } from "../../tsdown.base";

export default defineConfig({
  ...published,
  // main: the `x-sandbox` command (bin/x-sandbox.js imports it).
  entry: ["src/index.ts", "src/main.ts"],
  platform: "node",
});
