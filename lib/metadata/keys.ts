/** reflect-metadata keys of kusto-functions, in one place. */

/** The raw decorator records of a class (a {@link ClassRecord}), stored on the class constructor. */
export const FUNCTIONS_METADATA = 'kusto-functions:functions';
