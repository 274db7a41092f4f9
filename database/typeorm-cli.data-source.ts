import { loadConfig } from '@relais/config';

import { createDataSource } from './data-source.js';

/** For the TypeORM CLI: `npx typeorm migration:show -d dist/database/typeorm-cli.data-source.js`. */
export default createDataSource(loadConfig().DATABASE_URL);
