import { defineConfig } from "tsdown";
import { published } from "../../tsdown.base";

export default defineConfig({
  ...published,
  entry: ["src/index.ts"],
  platform: "neutral",
  // For React Server Components: everything here runs in the browser. A banner rather than a
  // directive in src/index.ts, so the kit's size budget (bench/bundle-kit.ts builds the
  // sources as an entry) counts only what an app's bundle keeps; app bundlers drop it.
  banner: { js: '"use client";' },
});
