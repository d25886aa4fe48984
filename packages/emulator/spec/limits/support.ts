/**
 * What the limit specs share: a seeded random source (the seed printed, a run replayable with LIMITS_SEED) and a
 * check that the server still answers after a refused request.
 */
import { expect } from 'chai';
import type { Client } from 'azure-kusto-data';
import { rowsOf } from '../support/emulatorFixture';

/** A small seeded generator (mulberry32): the same seed gives the same cases. */
export function seededRandom(label: string): { next(): number; int(min: number, max: number): number; seed: number } {
  const seed = process.env.LIMITS_SEED ? Number(process.env.LIMITS_SEED) : Math.floor(Math.random() * 2 ** 31);
  console.log(`      ${label}: seed ${seed} (replay with LIMITS_SEED=${seed})`);
  let state = seed >>> 0;
  const next = (): number => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return { next, int: (min, max) => min + Math.floor(next() * (max - min + 1)), seed };
}

/** Asserts the emulator still answers a query after a refused one. */
export async function stillServing(client: Client): Promise<void> {
  const response = await client.execute('db', 'print answer = 42');
  expect(rowsOf(response)).to.deep.equal([{ answer: 42 }]);
}
