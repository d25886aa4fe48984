/** Rows ⇄ typed instances. */
export * from './fromRows';
export * from './toRows';
export { describeValueType } from './typedProperties';
