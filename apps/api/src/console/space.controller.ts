import { Controller, Get, Render } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import { MEMBERSHIP_ROLE_LABELS, MembershipRole } from '@relais/aides';
import { Console, Member, type MemberContext } from '@relais/auth';
import { ENDING_SOON_DAYS, MANDATE_STATE_LABELS, MandateQueries } from '@relais/mandates';
import { CITIZEN_REVOCATION_NOTICE_DAYS, CitizenRevocationNotices } from '@relais/portal';

/** The aide's home in the console, for their current structure. */
@ApiExcludeController()
@Controller('espace')
export class SpaceController {
  constructor(
    private readonly mandates: MandateQueries,
    private readonly citizenRevocations: CitizenRevocationNotices,
  ) {}

  @Get()
  @Console()
  @Render('console/space.njk')
  async home(@Member() member: MemberContext) {
    const supervisor = member.role === MembershipRole.Supervisor;
    return {
      pageTitle: 'Mon espace',
      member,
      roleLabel: MEMBERSHIP_ROLE_LABELS[member.role],
      endingSoon: await this.mandates.endingSoon(member.structureId),
      endingSoonDays: ENDING_SOON_DAYS,
      stateLabels: MANDATE_STATE_LABELS,
      // Supervisors see what citizens stopped themselves in the portal lately.
      citizenRevocations: supervisor ? await this.citizenRevocations.recent(member.structureId) : [],
      citizenRevocationDays: CITIZEN_REVOCATION_NOTICE_DAYS,
    };
  }
}
