/**
 * Raw records written by the decorators at class-definition time. They are checked and resolved into
 * function plans only when `registerFunctions` runs.
 */
import type { KustoInputOptions, KustoOutputOptions } from 'kusto-functions-bindings';
import type { TriggerSpec } from '../binding';

/** A class, as a constructor. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type ClassType<T = unknown> = new (...args: any[]) => T;

/** What a decorated handler parameter receives. */
export type ParamRecord =
  | { kind: 'kustoInput'; options: KustoInputOptions; type?: ClassType }
  | { kind: 'kustoOutput'; options: KustoOutputOptions; type?: ClassType }
  | { kind: 'request' }
  | { kind: 'body'; type?: ClassType }
  | { kind: 'param'; name: string }
  | { kind: 'query'; name: string }
  | { kind: 'header'; name: string }
  | { kind: 'trigger'; type?: ClassType }
  | { kind: 'context' };

/** The kind of a parameter record. */
export type ParamKind = ParamRecord['kind'];

/** A parameter record with the decorator that wrote it, for error messages. */
export type ParamEntry = ParamRecord & { decorator: string };

/** `@KustoOutput` on a method: the return value is ingested. */
export interface MethodOutputRecord {
  /** Output options. */
  options: KustoOutputOptions;
  /** Element type of what the method returns, when given. */
  type?: ClassType;
}

/** Everything decorators recorded about one method. */
export interface MethodRecord {
  /** Method name. */
  readonly name: string;
  /** Triggers recorded (more than one is an error reported at registration). */
  readonly triggers: readonly (TriggerSpec & { decorator: string })[];
  /** Method-level outputs recorded (more than one is an error reported at registration). */
  readonly outputs: readonly MethodOutputRecord[];
  /** Parameter records by index (sparse; several on one index is an error reported at registration). */
  readonly params: ReadonlyMap<number, readonly ParamEntry[]>;
}

/** Everything decorators recorded about the methods a class declares itself. */
export interface ClassRecord {
  /** Method records by method name. */
  readonly methods: ReadonlyMap<string, MethodRecord>;
}
