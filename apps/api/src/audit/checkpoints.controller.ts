import { Controller, Get, Header, Query } from '@nestjs/common';
import { ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { AuditCheckpointer, type PublishedCheckpoint } from '@relais/audit-checkpoints';

import { CheckpointsQuery } from './dto/checkpoints-query.dto.js';

const PAGE = 1000;

/**
 * The signed checkpoints of the audit journal, public and read-only: whoever keeps a copy can
 * later prove the journal was not shortened or rewritten before it (`audit:verify --checkpoints`).
 */
@ApiTags('audit')
@Controller('audit/checkpoints')
export class CheckpointsController {
  constructor(private readonly checkpointer: AuditCheckpointer) {}

  @Get()
  @Header('cache-control', 'public, max-age=60')
  @ApiOkResponse({ description: 'Signed checkpoints (seq, hash, count, time, JWS), oldest first; no personal data.' })
  async list(@Query() query: CheckpointsQuery) {
    const rows = await this.checkpointer.list(query.after ?? '0', PAGE);
    const checkpoints: PublishedCheckpoint[] = rows.map((row) => ({
      seq: row.seq,
      hash: row.hash,
      count: row.entryCount,
      signedAt: row.signedAt.toISOString(),
      kid: row.kid,
      jws: row.jws,
    }));
    return {
      jwks: '/attestations/jwks.json',
      next: checkpoints.length === PAGE ? `/audit/checkpoints?after=${checkpoints.at(-1)!.seq}` : null,
      checkpoints,
    };
  }
}
