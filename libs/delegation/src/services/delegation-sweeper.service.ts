import { Injectable } from '@nestjs/common';
import { AuditAction, AuditActorType, AuditRecorder } from '@relais/audit';
import { DataSource, IsNull } from 'typeorm';

import { Delegation } from '../entities/delegation.entity.js';
import { DelegatedAccounts } from './delegated-accounts.service.js';

/** Ends the delegations a mandate no longer allows (after a revocation, or by the worker's sweep). */
@Injectable()
export class DelegationSweeper {
  constructor(
    private readonly dataSource: DataSource,
    private readonly audit: AuditRecorder,
    private readonly accounts: DelegatedAccounts,
  ) {}

  /** Ends the open delegations of a mandate that account() no longer allows; returns their grants to revoke. */
  async endUnusable(mandateId: string, now = new Date()): Promise<string[]> {
    const open = await this.dataSource.manager.findBy(Delegation, { mandateId, endedAt: IsNull() });
    const ending: Delegation[] = [];
    for (const delegation of open)
      if (!(await this.accounts.account(delegation.id, undefined, now))) ending.push(delegation);
    if (ending.length === 0) return [];
    await this.dataSource.transaction(async (manager) => {
      await manager
        .createQueryBuilder()
        .update(Delegation)
        .set({ endedAt: now })
        .whereInIds(ending.map((delegation) => delegation.id))
        .execute();
      await this.audit.record(manager, {
        action: AuditAction.DelegationsEnded,
        actor: { type: AuditActorType.System },
        mandateId,
        details: { delegations: ending.map((delegation) => delegation.id) },
      });
    });
    return ending.map((delegation) => delegation.grantId).filter((grantId): grantId is string => grantId !== null);
  }

  /** Mandates some open delegation depends on. */
  mandatesWithOpenDelegations(): Promise<{ mandate_id: string }[]> {
    return this.dataSource.query('SELECT DISTINCT mandate_id FROM delegations WHERE ended_at IS NULL');
  }
}
