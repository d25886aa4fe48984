/**
 * The registration observer: how a tool that loads an app (`kusto-functions check`) learns, from the SDK, what the
 * worker metadata cannot say: which class and method declared each function, which parameter each Kusto binding
 * decorates, and the row class it maps to. The tool puts an observer on `globalThis[REGISTRATION_OBSERVER]` before
 * loading the app; `registerFunctions` reports each function it registers to it, and does nothing at all when
 * there is none (in Azure there never is). Nothing of it reaches the function metadata the Functions host reads.
 */

/** The global symbol the observer is installed under (`Symbol.for`, so every copy of the packages agrees). */
export const REGISTRATION_OBSERVER: unique symbol = Symbol.for('kusto-functions.registrationObserver') as never;

/** One property of a row class, as the mapping reads it. */
export interface RowPropertyDescription {
  /** The property's name in the class. */
  property: string;
  /** The column it maps to (its `@Expose({ name })`, else its name); undefined when `@Exclude`d. */
  column?: string;
  /**
   * The type TypeScript recorded (`design:type`, only for decorated properties): `Number`, `String`, `Boolean`,
   * `Date`, `Array`, `Object`, or a class name; undefined when none was recorded.
   */
  designType?: string;
  /** The type `@Type(() => X)` names (`Date`, a class name), when given. */
  declaredType?: string;
}

/** A row class as the SDK maps it. */
export interface RowTypeDescription {
  /** The class's name. */
  className: string;
  /** The class and its ancestors, nearest first (for finding their declarations). */
  classChain: string[];
  /** Whether class-transformer maps only `@Expose`d properties (`@Exclude()` on the class). */
  exposedOnly: boolean;
  /** The properties asked about and those class-transformer's decorators name, each once. */
  properties: RowPropertyDescription[];
}

/** A Kusto binding of a registered function, with where it was declared. */
export interface ObservedKustoBinding {
  /** Binding name (as in the function's metadata). */
  name: string;
  /** `in` for `@KustoInput`, `out` for `@KustoOutput`. */
  direction: 'in' | 'out';
  /** The decorated parameter's index; undefined for `@KustoOutput` on the method. */
  parameterIndex?: number;
  /**
   * Describes the row class given to the decorator (undefined when none was): `properties` names properties known
   * otherwise (from the class's declaration), described along with those its decorators name.
   */
  rowType?: (properties: readonly string[]) => RowTypeDescription;
}

/** One function `registerFunctions` registered. */
export interface ObservedFunction {
  /** Function name. */
  functionName: string;
  /** The class declaring the handler. */
  className: string;
  /** The handler method. */
  methodName: string;
  /** Its Kusto bindings. */
  bindings: ObservedKustoBinding[];
}

/** Receives what `registerFunctions` registers. */
export interface RegistrationObserver {
  /** Called once per function registered, after it was registered with @azure/functions. */
  functionRegistered(fn: ObservedFunction): void;
}

/** The installed observer, if any. */
export function registrationObserver(): RegistrationObserver | undefined {
  return (globalThis as { [REGISTRATION_OBSERVER]?: RegistrationObserver })[REGISTRATION_OBSERVER];
}
