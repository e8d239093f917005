import type { UserConfig } from "tsdown";

/**
 * What every published package's build shares. ESM only, as the READMEs say. Every dependency
 * and peer stays an import (`deps.onlyBundle: []` fails the build if anything from
 * node_modules would be copied in): the app's package manager dedupes them and its audit sees
 * them. Source maps ship with their sources inside, so they are valid without `src/` in the
 * tarball. No `//#region <path>` comments: they name the build machine's folders, and the maps
 * already say where each line came from.
 */
export const published = {
  format: "esm",
  dts: true,
  // package.json exports ./dist/index.js and ./dist/index.d.ts; tsdown defaults to .mjs on node.
  fixedExtension: false,
  sourcemap: true,
  deps: { onlyBundle: [] },
  inputOptions: { experimental: { attachDebugInfo: "none" } },
} satisfies UserConfig;
