import { Injectable } from '@nestjs/common';
import { AuditAction, AuditActorType, AuditRecorder } from '@relais/audit';
import { DataSource } from 'typeorm';

import { MediationPlace } from '../entities/mediation-place.entity.js';
import { isRejected, placeFromRecord, type NewPlace, type PlaceRecord, type RejectedRecord } from '../place-records.js';

export interface PlacesImport {
  imported: number;
  rejected: RejectedRecord[];
}

/** Loads the operator's file: bad rows are reported and skipped; the rest replace every place at once. */
@Injectable()
export class PlacesImporter {
  constructor(
    private readonly dataSource: DataSource,
    private readonly audit: AuditRecorder,
  ) {}

  async replaceAll(records: PlaceRecord[]): Promise<PlacesImport> {
    const places: NewPlace[] = [];
    const rejected: RejectedRecord[] = [];
    const seen = new Set<string>();
    for (const record of records) {
      const result = placeFromRecord(record);
      if (isRejected(result)) rejected.push(result);
      else if (seen.has(result.sourceId))
        rejected.push({ line: record.line, field: 'id', reason: `L’identifiant ${result.sourceId} est en double.` });
      else {
        seen.add(result.sourceId);
        places.push(result);
      }
    }
    await this.dataSource.transaction(async (manager) => {
      await manager.query('DELETE FROM mediation_places');
      for (let start = 0; start < places.length; start += 500) {
        await manager.insert(MediationPlace, places.slice(start, start + 500));
      }
      await this.audit.record(manager, {
        action: AuditAction.PlacesImported,
        actor: { type: AuditActorType.Operator },
        details: { imported: places.length, rejected: rejected.length },
      });
    });
    return { imported: places.length, rejected };
  }
}
