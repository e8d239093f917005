import { ConnectionsError } from "../shared/errors";
import { isProviderName } from "./names";
import type { Provider } from "./types";

/** Who a lookup is for: a provider added for one user resolves only for that user. */
export type ProviderOwner = { tenantId: string; userId?: string | null };

/** The provider by that name the owner may use, or undefined. */
export type ProviderLookup = (name: string, owner: ProviderOwner) => Promise<Provider | undefined>;

/** Many lookups at once, answered in the same order. */
export type ProviderBatchLookup = (
  lookups: readonly { name: string; owner: ProviderOwner }[],
) => Promise<(Provider | undefined)[]>;

export type ProviderRegistry = {
  /** The host's providers, by name, as configured. */
  readonly statics: ReadonlyMap<string, Provider>;
  /**
   * The host's provider by that name, else one the owner's tenant added at run time that the
   * owner may see. A name no provider could have (a NUL byte, a path) never reaches a query.
   */
  find: ProviderLookup;
  /**
   * `find` for many (the worker's claimed rows): the host's from memory, every other name in one
   * lookup of those added at run time. A name no provider could have is simply not found.
   */
  findMany: ProviderBatchLookup;
  /** Fills in a provider that discovers itself (an MCP server); resolves at once for the rest. */
  prepare(provider: Provider, options?: { rediscover?: boolean }): Promise<void>;
};

/**
 * The host's providers, checked once (kebab-case names, no two alike), and those added at run
 * time, which live in the database and arrive through `findAdded`.
 */
export function createProviderRegistry(deps: {
  providers: readonly Provider[];
  findAdded: ProviderLookup;
  findManyAdded: ProviderBatchLookup;
  prepare(provider: Provider, options?: { rediscover?: boolean }): Promise<void>;
}): ProviderRegistry {
  const statics = new Map<string, Provider>();
  for (const provider of deps.providers) {
    if (!isProviderName(provider.name)) {
      throw new ConnectionsError(
        "invalid_options",
        `Provider name "${provider.name}" must be kebab-case, 64 characters at most`,
      );
    }
    if (statics.has(provider.name)) {
      throw new ConnectionsError("invalid_options", `Two providers are named "${provider.name}"`);
    }
    statics.set(provider.name, provider);
  }
  return {
    statics,
    async find(name, owner) {
      if (!isProviderName(name)) throw new ConnectionsError("unknown_provider", "Unknown provider");
      return statics.get(name) ?? (await deps.findAdded(name, owner));
    },
    async findMany(lookups) {
      const added = lookups.filter(({ name }) => !statics.has(name) && isProviderName(name));
      const found = added.length > 0 ? await deps.findManyAdded(added) : [];
      const byLookup = new Map(added.map((lookup, index) => [lookup, found[index]]));
      return lookups.map((lookup) => statics.get(lookup.name) ?? byLookup.get(lookup));
    },
    prepare: deps.prepare,
  };
}
