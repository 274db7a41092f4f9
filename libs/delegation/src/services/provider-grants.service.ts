import { Inject, Injectable } from '@nestjs/common';
import { RELAIS_CONFIG, type RelaisConfig } from '@relais/config';
import { type IoRedisConnection, oidcKeyPrefix } from '@relais/redis';

import { RedisAdapter } from '../provider/redis-adapter.js';
import { OIDC_REDIS } from '../delegation.tokens.js';
import { DelegationSweeper } from './delegation-sweeper.service.js';

/**
 * Ends at once what a mandate opened at public services when it stops allowing it: the
 * delegations no longer usable are closed and their grants and tokens deleted. (Every token use
 * re-checks the mandate anyway: this also stops refresh and introspection without waiting.)
 */
@Injectable()
export class ProviderGrants {
  constructor(
    private readonly sweeper: DelegationSweeper,
    @Inject(OIDC_REDIS) private readonly redis: IoRedisConnection,
    @Inject(RELAIS_CONFIG) private readonly config: RelaisConfig,
  ) {}

  /** The periodic sweep (worker): every mandate with open delegations, e.g. one that just expired. */
  async sweep(): Promise<number> {
    const mandates: { mandate_id: string }[] = await this.sweeper.mandatesWithOpenDelegations();
    let ended = 0;
    for (const { mandate_id: mandateId } of mandates) ended += await this.endUnusable(mandateId);
    return ended;
  }

  async endUnusable(mandateId: string): Promise<number> {
    const grantIds = await this.sweeper.endUnusable(mandateId);
    const prefix = oidcKeyPrefix(this.config.REDIS_PREFIX);
    for (const grantId of grantIds) {
      await new RedisAdapter(this.redis, 'AccessToken', prefix).revokeByGrantId(grantId);
      await new RedisAdapter(this.redis, 'Grant', prefix).destroy(grantId);
    }
    return grantIds.length;
  }
}
