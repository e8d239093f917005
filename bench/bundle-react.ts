import { measureKit } from "./bundle-kit";
import { type Measure, measure } from "./support/measure";

/** Nango's published figure for @nangohq/frontend: 4.0 KB gzipped, read as 4.0 × 1,024 bytes. */
const NANGO_FRONTEND_GZIP_BYTES = 4096;

/**
 * What a React app ships for connections (@x/react with @x/client inside, min+gz, as `pnpm size`
 * builds it) against @nangohq/frontend. That package is not installed and cannot be here, so its
 * figure is the published one, not measured in this run, and it has no UI components.
 */
export async function bundleReact(): Promise<Measure[]> {
  const { gzipped } = await measureKit();
  return [
    measure({
      name: "bundle.react",
      value: gzipped,
      unit: "B",
      baseline:
        "@nangohq/frontend, published 4.0 KB gz figure (not measured here; headless, no UI)",
      baselineValue: NANGO_FRONTEND_GZIP_BYTES,
    }),
  ];
}
