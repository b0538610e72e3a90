import 'reflect-metadata';
import { loadConfig } from './src/config/load-config';
import { openToolDataSource } from './src/database/tool-data-source';

// The TypeORM CLI (`npm run migration:*`) loads this file; it uses the same options factory as the app.
export default openToolDataSource(loadConfig(), `typeorm ${process.argv.slice(2).join(' ')}`.trim());
