import { defineConfig } from "tsdown";
import { published } from "../../tsdown.base";

export default defineConfig({
  ...published,
  // main: the `x-sandbox` command (bin/x-sandbox.js imports it). A command has no types, so
  // only the library's entry gets a declaration file (an empty main.d.ts would ship otherwise).
  entry: ["src/index.ts", "src/main.ts"],
  dts: { entry: "src/index.ts" },
  platform: "node",
});
