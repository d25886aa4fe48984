/**
 * Where a decorator was applied, worked out from its arguments, so each decorator can refuse a place it
 * cannot decorate with a message naming the class and member.
 */
import type { ClassType } from '../metadata';

/** A decoration site. */
export type DecorationSite =
  | { kind: 'parameter'; ctor: ClassType; className: string; method: string; index: number }
  | { kind: 'method'; ctor: ClassType; className: string; method: string }
  | { kind: 'other'; description: string };

/**
 * Reads a decorator's arguments. Static members, constructors, symbols, properties and accessors are `other`.
 *
 * @throws TypeError when called as a standard (TC39) decorator, `(value, context)`: that is what TypeScript emits
 *   without `experimentalDecorators`, and these decorators (parameter ones, and reading decorator metadata) cannot
 *   work that way.
 */
export function decorationSite(args: unknown[]): DecorationSite {
  const [target, key, third] = args;
  if (args.length === 2 && isStandardContext(key)) throw standardDecoratorError(key);
  const isStatic = typeof target === 'function';
  const ctor = (isStatic ? target : (target as { constructor?: unknown } | undefined)?.constructor) as
    ClassType | undefined;
  const className = ctor?.name || '(anonymous class)';
  if (args.length === 1 && typeof target === 'function')
    return { kind: 'other', description: `the class ${className}` };
  if (typeof third === 'number') {
    if (key === undefined) {
      return { kind: 'other', description: `parameter ${third} of the constructor of ${className}` };
    }
    if (typeof key !== 'string')
      return { kind: 'other', description: `a parameter of a symbol-named method of ${className}` };
    if (isStatic) return { kind: 'other', description: `parameter ${third} of the static method ${className}.${key}` };
    return { kind: 'parameter', ctor: ctor as ClassType, className, method: key, index: third };
  }
  const name = typeof key === 'string' ? key : String(key);
  const descriptor = third as PropertyDescriptor | undefined;
  if (descriptor && typeof descriptor.value === 'function') {
    if (typeof key !== 'string')
      return { kind: 'other', description: `the symbol-named method ${name} of ${className}` };
    if (isStatic) return { kind: 'other', description: `the static method ${className}.${key}` };
    return { kind: 'method', ctor: ctor as ClassType, className, method: key };
  }
  if (descriptor && (descriptor.get || descriptor.set))
    return { kind: 'other', description: `the accessor '${name}' of ${className}` };
  return { kind: 'other', description: `the property '${name}' of ${className}` };
}

/** The error for a decorator applied where it cannot go. */
export function misplaced(decorator: string, expected: string, site: DecorationSite): Error {
  const where =
    site.kind === 'other'
      ? site.description
      : site.kind === 'method'
        ? `the method ${site.className}.${site.method}`
        : `parameter ${site.index} of ${site.className}.${site.method}`;
  return new TypeError(`${decorator} decorates ${expected}; it cannot decorate ${where}.`);
}

/** The context object standard decorators receive; legacy ones get a property key (string or symbol) instead. */
interface StandardDecoratorContext {
  kind: string;
  name?: string | symbol;
}

function isStandardContext(value: unknown): value is StandardDecoratorContext {
  return typeof value === 'object' && value !== null && typeof (value as { kind?: unknown }).kind === 'string';
}

// One message for every decorator, naming the two options, so it reads the same whichever decorator comes first.
function standardDecoratorError(context: StandardDecoratorContext): TypeError {
  const name = context.name === undefined ? '' : ` '${String(context.name)}'`;
  return new TypeError(
    `kusto-functions decorators are legacy (parameter) decorators, but one was applied to the ${context.kind}${name} ` +
      'as a standard (TC39) decorator: set "experimentalDecorators": true and "emitDecoratorMetadata": true in ' +
      'tsconfig.json.',
  );
}
