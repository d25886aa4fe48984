/**
 * The only place that reads and writes kusto-functions metadata.
 *
 * Records live on each class constructor (reflect-metadata), never in a global registry, so specs and apps
 * stay isolated. Updates are copy-on-write on the class's own metadata, so decorating a subclass never
 * changes its parent; reading walks the prototype chain so inherited handlers are found.
 */
import './reflect';
import { FUNCTIONS_METADATA } from './keys';
import type { ClassRecord, ClassType, MethodOutputRecord, MethodRecord, ParamEntry } from './records';
import type { TriggerSpec } from '../binding';

function assertReflect(): void {
  if (typeof Reflect !== 'object' || typeof Reflect.getOwnMetadata !== 'function') {
    throw new Error(
      "kusto-functions needs reflect-metadata: install it (npm install reflect-metadata) and make sure it is loaded before any decorated class (import 'kusto-functions' or 'reflect-metadata' first).",
    );
  }
}

function ownRecord(ctor: object): ClassRecord | undefined {
  return Reflect.getOwnMetadata(FUNCTIONS_METADATA, ctor) as ClassRecord | undefined;
}

function updateMethod(ctor: object, method: string, update: (record: MethodRecord) => MethodRecord): void {
  assertReflect();
  const own = ownRecord(ctor);
  const methods = new Map(own?.methods ?? []);
  const current = methods.get(method) ?? { name: method, triggers: [], outputs: [], params: new Map() };
  methods.set(method, update(current));
  Reflect.defineMetadata(FUNCTIONS_METADATA, { methods } satisfies ClassRecord, ctor);
}

/** Records a trigger decorator on a method. */
export function recordTrigger(ctor: object, method: string, trigger: TriggerSpec, decorator: string): void {
  updateMethod(ctor, method, (r) => ({ ...r, triggers: [...r.triggers, { ...trigger, decorator }] }));
}

/** Records `@KustoOutput` on a method. */
export function recordMethodOutput(ctor: object, method: string, output: MethodOutputRecord): void {
  updateMethod(ctor, method, (r) => ({ ...r, outputs: [...r.outputs, output] }));
}

/** Records a parameter decorator. */
export function recordParam(ctor: object, method: string, index: number, entry: ParamEntry): void {
  updateMethod(ctor, method, (r) => {
    const params = new Map(r.params);
    params.set(index, [...(params.get(index) ?? []), entry]);
    return { ...r, params };
  });
}

/** A method record together with the class that declared it. */
export interface ResolvedMethodRecord extends MethodRecord {
  /** The class whose own metadata holds this record (the subclass when it redecorates an override). */
  readonly declaringClass: ClassType;
}

/**
 * The method records of a class and its ancestors; a subclass's record of a method replaces its parent's.
 * Returned in declaration order, ancestors first.
 */
export function readMethodRecords(ctor: ClassType): ResolvedMethodRecord[] {
  assertReflect();
  const chain: ClassType[] = [];
  for (let c: unknown = ctor; typeof c === 'function' && c !== Function.prototype; c = Object.getPrototypeOf(c)) {
    chain.unshift(c as ClassType);
  }
  const merged = new Map<string, ResolvedMethodRecord>();
  for (const c of chain) {
    for (const [name, record] of ownRecord(c)?.methods ?? []) merged.set(name, { ...record, declaringClass: c });
  }
  return [...merged.values()];
}

/** Whether a class or an ancestor carries kusto-functions metadata. */
export function hasFunctionMetadata(ctor: ClassType): boolean {
  return readMethodRecords(ctor).length > 0;
}
