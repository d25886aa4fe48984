/** The Kusto client packages the engine uses, through ./connections' lazy (and caching) loaders. */
export { loadKustoData as kustoData, loadKustoIngest as kustoIngest } from './connections/modules';
