/** The app-setting lookup rule of the Functions host, shared by the engine and the local host. */

/** An app setting found by {@link readSetting}. */
export interface AppSetting {
  /** The key it was found under (for messages: never print the value, which may hold a secret). */
  key: string;
  /** Its value. */
  value: string;
}

/**
 * Looks an app setting up the way the Functions host looks a connection up: `ConnectionStrings:<name>`,
 * `ConnectionStrings__<name>`, `CUSTOMCONNSTR_<name>`, `<name>`, then `:` as `__`. The first one present wins.
 */
export function readSetting(name: string, env: NodeJS.ProcessEnv): AppSetting | undefined {
  const nested = name.replace(/:/g, '__');
  const candidates = [
    `ConnectionStrings:${name}`,
    `ConnectionStrings__${nested}`,
    `CUSTOMCONNSTR_${nested}`,
    name,
    nested,
  ];
  for (const key of candidates) {
    const value = env[key];
    if (value !== undefined) return { key, value };
  }
  return undefined;
}
