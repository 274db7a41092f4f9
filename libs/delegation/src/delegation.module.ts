import { Module, type OnApplicationShutdown, Inject } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AuditModule } from '@relais/audit';
import { RELAIS_CONFIG, type RelaisConfig } from '@relais/config';
import { PublicServiceDirectory, PublicServicesModule, PublicServicesService } from '@relais/public-services';
import { createIoRedis, type IoRedisConnection } from '@relais/redis';
import { SigningModule } from '@relais/signing';

import { OIDC_PROVIDER, OIDC_REDIS } from './delegation.tokens.js';
import { Delegation } from './entities/delegation.entity.js';
import { OidcSigningKey } from './entities/oidc-signing-key.entity.js';
import { ProviderPages } from './provider/provider-pages.js';
import { createRelaisProvider } from './provider/relais-provider.factory.js';
import { CitizenPicker } from './services/citizen-picker.service.js';
import { DelegatedAccounts } from './services/delegated-accounts.service.js';
import { DelegationInteractions } from './services/delegation-interactions.service.js';
import { DelegationOpener } from './services/delegation-opener.service.js';
import { DelegationSweeper } from './services/delegation-sweeper.service.js';
import { ProviderGrants } from './services/provider-grants.service.js';
import { ProviderKeys } from './services/provider-keys.service.js';

/**
 * Delegated login: the OpenID provider (OIDC_PROVIDER, mounted by the api), its Redis storage,
 * its keys, and the delegations it serves. The app also imports config and database.
 */
@Module({
  imports: [TypeOrmModule.forFeature([Delegation, OidcSigningKey]), AuditModule, SigningModule, PublicServicesModule],
  providers: [
    CitizenPicker,
    DelegationOpener,
    DelegatedAccounts,
    DelegationSweeper,
    DelegationInteractions,
    ProviderKeys,
    ProviderPages,
    ProviderGrants,
    {
      provide: OIDC_REDIS,
      inject: [RELAIS_CONFIG],
      useFactory: (config: RelaisConfig) =>
        // Auto-pipelining: the commands concurrent requests send in the same tick leave in one write.
        createIoRedis(config, { lazyConnect: false, maxRetriesPerRequest: 3, enableAutoPipelining: true }),
    },
    {
      provide: OIDC_PROVIDER,
      inject: [
        RELAIS_CONFIG,
        OIDC_REDIS,
        ProviderKeys,
        DelegatedAccounts,
        PublicServiceDirectory,
        PublicServicesService,
        ProviderPages,
      ],
      useFactory: async (
        config: RelaisConfig,
        redis: IoRedisConnection,
        keys: ProviderKeys,
        accounts: DelegatedAccounts,
        publicServices: PublicServiceDirectory,
        registry: PublicServicesService,
        pages: ProviderPages,
      ) =>
        createRelaisProvider({
          config,
          redis,
          jwks: await keys.privateJwks(),
          pairwiseKey: await keys.pairwiseKey(),
          accounts,
          publicServices,
          registry,
          pages,
        }),
    },
  ],
  exports: [
    OIDC_PROVIDER,
    CitizenPicker,
    DelegationOpener,
    DelegatedAccounts,
    DelegationInteractions,
    ProviderPages,
    ProviderGrants,
  ],
})
export class DelegationModule implements OnApplicationShutdown {
  constructor(@Inject(OIDC_REDIS) private readonly redis: IoRedisConnection) {}

  async onApplicationShutdown(): Promise<void> {
    await this.redis.quit().catch(() => undefined);
  }
}
