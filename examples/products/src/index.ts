// The Products app's entry point (package.json "main"): registers every function with the Functions runtime.
import { registerFunctions } from 'kusto-functions';
import { ProductQueries } from './inputBindings';
import { ManagedIdentityQueries } from './managedIdentity';
import { ProductIngestion } from './outputBindings';
import { ProductPipelines } from './triggers';

export const functions = registerFunctions(ProductQueries, ProductIngestion, ProductPipelines, ManagedIdentityQueries);
