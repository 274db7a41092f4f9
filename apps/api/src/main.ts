import 'reflect-metadata';

import { exitOnBootFailure, loadConfig, RELAIS_CONFIG, type RelaisConfig } from '@relais/config';

import { createApi } from './create-api.js';

try {
  loadConfig(); // fail fast, before Nest logs anything, naming every bad setting
  const app = await createApi();
  const config = app.get<RelaisConfig>(RELAIS_CONFIG);
  await app.listen(config.PORT);
} catch (error) {
  exitOnBootFailure(error);
}
