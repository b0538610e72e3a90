import 'reflect-metadata';
import { loadConfig, loadDotEnv } from './src/config/load-config';
import { openToolDataSource } from './src/database/tool-data-source';

// The TypeORM CLI (`npm run migration:*`) loads this file; it uses the same options factory as the app.
loadDotEnv();
export default openToolDataSource(loadConfig(), `typeorm ${process.argv.slice(2).join(' ')}`.trim());
