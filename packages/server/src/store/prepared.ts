import type { Database } from "./store";

/**
 * A statement the kit sends often (each worker tick's), built once per database and prepared:
 * postgres.js then sends it in one round trip, not Parse/Describe and then Bind/Execute, and
 * Drizzle does not build it again. Its values are placeholders (`sql.placeholder(name)`), so its
 * text never changes. A store whose driver is told not to prepare sends it unprepared.
 */
export function preparedPerDatabase<Values extends Record<string, unknown>, Result>(
  build: (db: Database) => { execute(values: Values): Promise<Result> },
): (db: Database, values: Values) => Promise<Result> {
  const statements = new WeakMap<Database, { execute(values: Values): Promise<Result> }>();
  return (db, values) => {
    let statement = statements.get(db);
    if (!statement) {
      statement = build(db);
      statements.set(db, statement);
    }
    return statement.execute(values);
  };
}
