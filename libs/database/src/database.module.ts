import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { RELAIS_CONFIG, type RelaisConfig } from '@relais/config';

import { connectionOptions } from './connection-options.js';

/** The TypeORM connection; domain modules register their entities with TypeOrmModule.forFeature. */
@Module({
  imports: [
    TypeOrmModule.forRootAsync({
      inject: [RELAIS_CONFIG],
      useFactory: (config: RelaisConfig) => ({
        ...connectionOptions(config.DATABASE_URL, config.DATABASE_POOL_SIZE),
        autoLoadEntities: true,
      }),
    }),
  ],
})
export class DatabaseModule {}
