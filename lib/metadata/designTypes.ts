/**
 * The types TypeScript records for decorated members (`emitDecoratorMetadata`): the other half of what
 * kusto-functions reads of reflect-metadata, besides its own records.
 */
import './reflect';
import type { ClassType } from './records';

/**
 * The declared parameter types of a decorated method, as recorded on the class that declares it; undefined when
 * TypeScript recorded none (no `emitDecoratorMetadata`, or a compiler such as esbuild that does not emit it).
 */
export function designParamTypes(declaringClass: ClassType, method: string): readonly unknown[] | undefined {
  return Reflect.getMetadata('design:paramtypes', declaringClass.prototype as object, method) as unknown[] | undefined;
}

/** The declared type of a decorated property (`Number`, `String`, a class, …); undefined when none was recorded. */
export function designPropertyType(type: ClassType, property: string): unknown {
  return Reflect.getMetadata('design:type', type.prototype as object, property) as unknown;
}
