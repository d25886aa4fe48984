import type { KustoScalarType, Value } from '../../model';
import { notSupported } from '../../errors';
import { argInt, argString, asResult } from './conversion';
import type { ScalarFunctionTable } from './types';

/** An address and how many of its leading bits count (its IP-prefix, `/n`, or all of them). */
interface Masked {
  value: bigint;
  prefix: number;
}

const DOTTED = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/;

/** `a.b.c.d` as 32 bits, or undefined. */
function dotted(text: string): bigint | undefined {
  const m = DOTTED.exec(text);
  if (!m) return undefined;
  let v = 0n;
  for (let i = 1; i <= 4; i++) {
    const part = Number(m[i]);
    if (part > 255) return undefined;
    v = (v << 8n) | BigInt(part);
  }
  return v;
}

/** Splits `address/prefix`; the prefix must be a whole number up to `max`. */
function withPrefix(text: string, max: number): { address: string; prefix: number } | undefined {
  const slash = text.indexOf('/');
  if (slash < 0) return { address: text, prefix: max };
  const suffix = text.slice(slash + 1);
  if (!/^\d{1,3}$/.test(suffix) || Number(suffix) > max) return undefined;
  return { address: text.slice(0, slash), prefix: Number(suffix) };
}

function mask(bits: number, prefix: number): bigint {
  return prefix <= 0 ? 0n : ((1n << BigInt(prefix)) - 1n) << BigInt(bits - prefix);
}

/** An IPv4 text in IP-prefix notation (`192.168.1.1/24`), or undefined when it is not one. */
function parseV4(text: string): Masked | undefined {
  const parts = withPrefix(text, 32);
  if (!parts) return undefined;
  const value = dotted(parts.address);
  return value === undefined ? undefined : { value, prefix: parts.prefix };
}

/**
 * An IPv6 (or IPv4, mapped to `::ffff:a.b.c.d`, its prefix counted from bit 96) text in IP-prefix notation, as
 * 128 bits. A zone index (`fe80::1%eth0`) is refused rather than guessed at.
 */
function parseV6(text: string): Masked | undefined {
  if (text.includes('%')) throw notSupported(`An IPv6 address with a zone index ('${text.slice(0, 64)}')`);
  if (!text.includes(':')) {
    const v4 = parseV4(text);
    return v4 && { value: (0xffffn << 32n) | v4.value, prefix: 96 + v4.prefix };
  }
  const parts = withPrefix(text, 128);
  if (!parts) return undefined;
  let address = parts.address;
  // A trailing dotted IPv4 (`::ffff:192.168.1.1`) is the last two groups.
  const lastColon = address.lastIndexOf(':');
  const last = address.slice(lastColon + 1);
  if (last.includes('.')) {
    const v4 = dotted(last);
    if (v4 === undefined) return undefined;
    address = `${address.slice(0, lastColon + 1)}${(v4 >> 16n).toString(16)}:${(v4 & 0xffffn).toString(16)}`;
  }
  const group = (s: string): bigint[] | undefined => {
    if (s === '') return [];
    const out: bigint[] = [];
    for (const g of s.split(':')) {
      if (!/^[0-9a-fA-F]{1,4}$/.test(g)) return undefined;
      out.push(BigInt(`0x${g}`));
    }
    return out;
  };
  const halves = address.split('::');
  if (halves.length > 2) return undefined;
  let groups: bigint[];
  if (halves.length === 2) {
    const head = group(halves[0]);
    const after = group(halves[1]);
    if (!head || !after) return undefined;
    const missing = 8 - head.length - after.length;
    if (missing < 1) return undefined;
    groups = [...head, ...new Array<bigint>(missing).fill(0n), ...after];
  } else {
    const all = group(address);
    if (!all) return undefined;
    groups = all;
  }
  if (groups.length !== 8) return undefined;
  const value = groups.reduce((acc, g) => (acc << 16n) | g, 0n);
  return { value, prefix: parts.prefix };
}

function textArg(args: Value[], argTypes: KustoScalarType[], i: number, fn: string): string {
  if (argTypes[i] !== 'string') throw notSupported(`${fn}() of a ${argTypes[i]}`);
  return argString(args[i], argTypes[i]);
}

/** The optional prefix argument: all bits when absent; refused outside 0..max (the reference leaves it open). */
function prefixArg(args: Value[], argTypes: KustoScalarType[], i: number, max: number, fn: string): number | null {
  if (args.length <= i) return max;
  const p = argInt(args[i], argTypes[i]);
  if (p === null) return null;
  if (p < 0 || p > max) throw notSupported(`${fn}() with a prefix of ${p} (outside 0..${max})`);
  return p;
}

/** -1, 0 or 1 comparing two addresses on the leading bits both prefixes (and the argument's) keep. */
function compareMasked(a: Masked, b: Masked, prefix: number, bits: number): number {
  const m = mask(bits, Math.min(a.prefix, b.prefix, prefix));
  const x = a.value & m;
  const y = b.value & m;
  return x < y ? -1 : x > y ? 1 : 0;
}

function comparing(
  parse: (s: string) => Masked | undefined,
  bits: number,
  fn: string,
  answer: (cmp: number) => Value,
  computed: KustoScalarType,
): ScalarFunctionTable[string] {
  return (args, argTypes, resultType) => {
    const a = parse(textArg(args, argTypes, 0, fn));
    const b = parse(textArg(args, argTypes, 1, fn));
    const prefix = prefixArg(args, argTypes, 2, bits, fn);
    if (!a || !b || prefix === null) return null;
    return asResult(answer(compareMasked(a, b, prefix, bits)), computed, resultType);
  };
}

const PRIVATE_V4: Masked[] = [
  { value: 0x0a000000n, prefix: 8 },
  { value: 0xac100000n, prefix: 12 },
  { value: 0xc0a80000n, prefix: 16 },
];

/** format_ipv4's address: IPv4 text (with its prefix) or a long in big-endian order. */
function formatArg(args: Value[], argTypes: KustoScalarType[], fn: string): Masked | undefined {
  const type = argTypes[0];
  if (args[0] === null) return undefined;
  if (type === 'string') return parseV4(args[0] as string);
  if (type === 'long' || type === 'int') {
    const v = BigInt(args[0] as bigint | number);
    return v >= 0n && v <= 0xffffffffn ? { value: v, prefix: 32 } : undefined;
  }
  throw notSupported(`${fn}() of a ${type}`);
}

function formatV4(withMask: boolean, fn: string): ScalarFunctionTable[string] {
  return (args, argTypes) => {
    const ip = formatArg(args, argTypes, fn);
    let prefix = 32;
    if (args.length > 1) {
      const p = argInt(args[1], argTypes[1]);
      // The reference's example: a prefix of -1 gives the empty string.
      if (p === null || p < 0 || p > 32) return '';
      prefix = p;
    }
    if (!ip) return '';
    const bits = Math.min(ip.prefix, prefix);
    const v = ip.value & mask(32, bits);
    const text = [24n, 16n, 8n, 0n].map((s) => String((v >> s) & 0xffn)).join('.');
    return withMask ? `${text}/${bits}` : text;
  };
}

/** IPv4 and IPv6 functions, on texts in IP-prefix notation (`192.168.1.1/24`, `fe80::1/120`). */
export const ipFunctions: ScalarFunctionTable = {
  parse_ipv4: (args, argTypes) => {
    const ip = parseV4(textArg(args, argTypes, 0, 'parse_ipv4'));
    return ip ? ip.value & mask(32, ip.prefix) : null;
  },
  ipv4_is_private: (args, argTypes) => {
    const ip = parseV4(textArg(args, argTypes, 0, 'ipv4_is_private'));
    if (!ip) return null;
    return PRIVATE_V4.some((range) => compareMasked(ip, range, 32, 32) === 0 && ip.prefix >= range.prefix);
  },
  ipv4_is_in_range: (args, argTypes) => {
    const ip = parseV4(textArg(args, argTypes, 0, 'ipv4_is_in_range'));
    const range = parseV4(textArg(args, argTypes, 1, 'ipv4_is_in_range'));
    if (!ip || !range) return null;
    // The reference shows only a plain address in a range; an address that is itself a range is not pinned down.
    if (ip.prefix !== 32) throw notSupported(`ipv4_is_in_range() of an address with an IP-prefix`);
    return compareMasked(ip, range, 32, 32) === 0;
  },
  ipv4_netmask_suffix: (args, argTypes, resultType) => {
    const ip = parseV4(textArg(args, argTypes, 0, 'ipv4_netmask_suffix'));
    return ip ? asResult(ip.prefix, 'int', resultType) : null;
  },
  ipv4_compare: comparing(parseV4, 32, 'ipv4_compare', (cmp) => cmp, 'int'),
  ipv4_is_match: comparing(parseV4, 32, 'ipv4_is_match', (cmp) => cmp === 0, 'bool'),
  ipv6_compare: comparing(parseV6, 128, 'ipv6_compare', (cmp) => cmp, 'int'),
  ipv6_is_match: comparing(parseV6, 128, 'ipv6_is_match', (cmp) => cmp === 0, 'bool'),
  parse_ipv6: (args, argTypes) => {
    const ip = parseV6(textArg(args, argTypes, 0, 'parse_ipv6'));
    if (!ip) return '';
    const v = ip.value & mask(128, ip.prefix);
    return Array.from({ length: 8 }, (_x, i) =>
      ((v >> BigInt(112 - 16 * i)) & 0xffffn).toString(16).padStart(4, '0'),
    ).join(':');
  },
  format_ipv4: formatV4(false, 'format_ipv4'),
  format_ipv4_mask: formatV4(true, 'format_ipv4_mask'),
};
