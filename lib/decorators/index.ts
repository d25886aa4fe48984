/** The decorators users put on handler classes. They only record metadata. */
export * from './kusto';
export * from './triggers';
export * from './params';
