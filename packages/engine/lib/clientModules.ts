/** The Kusto client packages the engine uses, through lib/kusto's lazy (and caching) loaders. */
export { loadKustoData as kustoData, loadKustoIngest as kustoIngest } from './connections/modules';
