import { runElasticsearch } from './elasticsearch-launcher.js';

void runElasticsearch(process.argv.slice(2), process.env);
