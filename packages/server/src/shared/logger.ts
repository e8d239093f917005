/**
 * Where the kit reports what an operator should see: pino's shape (an object of fields, then a
 * message), so a host's pino, or anything with the same four methods, is passed as it is. The
 * kit never puts a credential in a field; an `err` field holds an Error.
 */
export type Logger = {
  error(fields: Record<string, unknown>, message: string): void;
  warn(fields: Record<string, unknown>, message: string): void;
  info(fields: Record<string, unknown>, message: string): void;
  debug(fields: Record<string, unknown>, message: string): void;
};

/** Without a host logger: warnings and errors to the console, one line each, with the stack. */
export const consoleLogger: Logger = {
  error: (fields, message) => console.error(line(message, fields)),
  warn: (fields, message) => console.warn(line(message, fields)),
  info: () => {},
  debug: () => {},
};

function line(message: string, fields: Record<string, unknown>): string {
  const { err, ...rest } = fields;
  const context = Object.keys(rest).length > 0 ? ` ${JSON.stringify(rest)}` : "";
  const stack = err instanceof Error ? `\n${err.stack ?? `${err.name}: ${err.message}`}` : "";
  return `${message}${context}${stack}`;
}
