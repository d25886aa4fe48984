/**
 * Reports registered functions to the registration observer `kusto-functions check` installs (see
 * `REGISTRATION_OBSERVER` in kusto-functions-bindings): where each Kusto binding was declared and how its row class
 * maps. Without an observer (always, in Azure) this costs one property read per registerFunctions call.
 */
import {
  registrationObserver,
  type ObservedKustoBinding,
  type RowPropertyDescription,
  type RowTypeDescription,
} from 'kusto-functions-bindings';
import { designPropertyType, type ClassType } from '../metadata';
import type { FunctionPlan } from './functionPlan';

/** The part of class-transformer's metadata storage read here. */
interface Storage {
  getStrategy(target: object): string;
  getExposedMetadatas(target: object): { propertyName?: string }[];
  getExcludedMetadatas(target: object): { propertyName?: string }[];
  findExposeMetadata(target: object, property: string): { options?: { name?: string } } | undefined;
  findExcludeMetadata(target: object, property: string): unknown;
  findTypeMetadata(target: object, property: string): { typeFunction: () => unknown } | undefined;
}

function storage(): Storage | undefined {
  try {
    // The app's own class-transformer (a peer), where its @Expose / @Type decorators recorded.
    // eslint-disable-next-line @typescript-eslint/no-require-imports -- loaded only when a checker asks
    return (require('class-transformer/cjs/storage') as { defaultMetadataStorage: Storage }).defaultMetadataStorage;
  } catch {
    return undefined;
  }
}

function typeName(type: unknown): string | undefined {
  return typeof type === 'function' ? type.name || '(anonymous class)' : undefined;
}

/** How the mapping reads `type`: each property's column and recorded types. */
export function describeRowType(type: ClassType, known: readonly string[]): RowTypeDescription {
  const chain: string[] = [];
  for (let c: unknown = type; typeof c === 'function' && c !== Function.prototype; c = Object.getPrototypeOf(c)) {
    chain.push((c as ClassType).name);
  }
  const meta = storage();
  const names = new Set(known);
  for (const m of [...(meta?.getExposedMetadatas(type) ?? []), ...(meta?.getExcludedMetadatas(type) ?? [])]) {
    if (m.propertyName) names.add(m.propertyName);
  }
  const exposedOnly = meta?.getStrategy(type) === 'excludeAll';
  const properties: RowPropertyDescription[] = [...names].map((property) => {
    const exposed = meta?.findExposeMetadata(type, property);
    // With @Exclude() on the class, only @Expose'd properties map.
    const excluded = meta?.findExcludeMetadata(type, property) !== undefined || (exposedOnly && !exposed);
    const declared = meta?.findTypeMetadata(type, property);
    return {
      property,
      column: excluded ? undefined : (exposed?.options?.name ?? property),
      designType: typeName(designPropertyType(type, property)),
      declaredType: declared ? typeName(declared.typeFunction()) : undefined,
    };
  });
  return { className: type.name, classChain: chain, exposedOnly, properties };
}

/** Tells the observer, when there is one, about the functions just registered. */
export function reportToObserver(plans: readonly FunctionPlan[]): void {
  const observer = registrationObserver();
  if (!observer) return;
  for (const plan of plans) {
    const bindings: ObservedKustoBinding[] = [];
    plan.params.forEach((param, index) => {
      if (param.kind !== 'kustoInput' && param.kind !== 'kustoOutput') return;
      const type = param.type;
      bindings.push({
        name: param.binding.name,
        direction: param.kind === 'kustoInput' ? 'in' : 'out',
        parameterIndex: index,
        rowType: type && ((known) => describeRowType(type, known)),
      });
    });
    const returned = plan.returnOutput;
    if (returned) {
      const type = returned.type;
      bindings.push({
        name: returned.binding.name,
        direction: 'out',
        rowType: type && ((known) => describeRowType(type, known)),
      });
    }
    observer.functionRegistered({
      functionName: plan.functionName,
      className: plan.className,
      methodName: plan.methodName,
      bindings,
    });
  }
}
