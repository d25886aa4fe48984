/** The app-setting lookup rule of the Functions host, shared by the engine and the local host. */

/**
 * Looks an app setting up the way the Functions host looks a connection up: `ConnectionStrings:<name>`,
 * `ConnectionStrings__<name>`, `CUSTOMCONNSTR_<name>`, `<name>`, then `:` as `__`. The first one present wins.
 */
export function readSetting(name: string, env: NodeJS.ProcessEnv): { key: string; value: string } | undefined {
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
