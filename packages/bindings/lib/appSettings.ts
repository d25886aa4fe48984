/** The app-setting lookup rules of the Functions host, shared by the engine and the local host. */

/** An app setting found by {@link readSetting} or {@link readAppSetting}. */
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
  return firstPresent(
    [`ConnectionStrings:${name}`, `ConnectionStrings__${nested}`, `CUSTOMCONNSTR_${nested}`, name, nested],
    env,
  );
}

/**
 * Looks up the app setting a `%Name%` expression names, as the Functions host's name resolver does: the
 * configuration key `Name`, which environment variables give as `Name` or with `:` written `__`.
 */
export function readAppSetting(name: string, env: NodeJS.ProcessEnv): AppSetting | undefined {
  return firstPresent([name, name.replace(/:/g, '__')], env);
}

function firstPresent(keys: string[], env: NodeJS.ProcessEnv): AppSetting | undefined {
  for (const key of keys) {
    const value = env[key];
    if (value !== undefined) return { key, value };
  }
  return undefined;
}

/**
 * The value of a Kusto connection setting that asks the local host for its embedded Kusto emulator, as
 * `UseDevelopmentStorage=true` asks for the storage emulator. Only the local host (`kusto-functions start`) serves it.
 */
export const KUSTO_EMULATOR_SETTING = 'UseKustoEmulator=true';

/** Whether a connection setting's value is {@link KUSTO_EMULATOR_SETTING} (any case, spaces and a final `;` allowed). */
export function isKustoEmulatorSetting(value: string): boolean {
  return /^\s*UseKustoEmulator\s*=\s*true\s*;?\s*$/i.test(value);
}
