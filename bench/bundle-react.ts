import { fileURLToPath } from "node:url";
import { measureBundle, measureKit } from "./bundle-kit";
import { type Measure, measure } from "./support/measure";

/**
 * What a React app ships for connections (@x/react with @x/client inside, min+gz, as `pnpm size`
 * builds it) against @nangohq/frontend built the same way in the same run. Nango's package is a
 * headless client: no components, no hooks.
 */
export async function bundleReact(): Promise<Measure[]> {
  const kit = await measureKit();
  const nango = await measureBundle(fileURLToPath(import.meta.resolve("@nangohq/frontend")));
  return [
    measure({
      name: "bundle.react",
      value: kit.gzipped,
      unit: "B",
      baseline: "@nangohq/frontend 0.71.10 built the same way (headless client, no UI)",
      baselineValue: nango.gzipped,
    }),
  ];
}
