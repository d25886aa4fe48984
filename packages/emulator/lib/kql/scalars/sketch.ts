import type { DynamicValue, KustoScalarType, Value } from '../../model';
import { notSupported } from '../../errors';
import { argDynamic } from './conversion';
import { hashKey } from './scalarOperators';
import type { ScalarFunctionTable } from './types';

/**
 * hll() results in the sparse shape the reference shows, `[[1024,14],["<64-bit hash>", …],[]]`. The reference says
 * their precise representation may change and that identical inputs need not give identical results, so the
 * emulator's hashes are its own (FNV-1a); the emulator keeps every hash (never the dense form), so dcount_hll is the
 * exact distinct count (Kusto counts up to 1000 values exactly at the default accuracy, and within 0.8% beyond).
 */
const HEADER: DynamicValue = [1024, 14];

/** A value's 64-bit hash as a signed decimal text, as the reference's hll() results spell them. */
export function hllHash(type: KustoScalarType, v: Value): string {
  const key = hashKey(type, v);
  const text = `${typeof key}:${String(key)}`;
  // Two 32-bit FNV-1a passes with different offsets make 64 bits.
  let a = 0x811c9dc5;
  let b = 0x050c5d1f;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    a = Math.imul(a ^ c, 0x01000193);
    b = Math.imul(b ^ c, 0x01000193);
  }
  return BigInt.asIntN(64, (BigInt(a >>> 0) << 32n) | BigInt(b >>> 0)).toString();
}

/** The hashes an hll() result holds; null for null; a result in another form is refused. */
export function hllHashes(value: DynamicValue, fn: string): string[] | null {
  if (value === null) return null;
  if (
    Array.isArray(value) &&
    value.length === 3 &&
    Array.isArray(value[0]) &&
    value[0][0] === 1024 &&
    value[0][1] === 14 &&
    Array.isArray(value[1]) &&
    value[1].every((h) => typeof h === 'string') &&
    Array.isArray(value[2]) &&
    value[2].length === 0
  ) {
    return value[1] as string[];
  }
  throw notSupported(`${fn}() of a value that is not an hll() result in its sparse form`);
}

/** An hll() result holding `hashes`. */
export function hllValue(hashes: Iterable<string>): DynamicValue {
  return [HEADER, [...hashes], []];
}

/** dcount_hll and the scalar hll_merge. */
export const sketchFunctions: ScalarFunctionTable = {
  dcount_hll: (args, argTypes) => {
    const hashes = hllHashes(argDynamic(args[0], argTypes[0]), 'dcount_hll');
    return hashes === null ? null : BigInt(new Set(hashes).size);
  },
  hll_merge: (args, argTypes) => {
    const merged = new Set<string>();
    let any = false;
    for (let i = 0; i < args.length; i++) {
      const hashes = hllHashes(argDynamic(args[i], argTypes[i]), 'hll_merge');
      if (hashes === null) continue;
      any = true;
      for (const h of hashes) merged.add(h);
    }
    return any ? hllValue(merged) : null;
  },
};
