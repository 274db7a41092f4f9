import { Controller, Get, Render } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import { MEMBERSHIP_ROLE_LABELS } from '@relais/aides';
import { Console, Member, type MemberContext } from '@relais/auth';

/** The aide's home in the console, for their current structure. */
@ApiExcludeController()
@Controller('espace')
export class SpaceController {
  @Get()
  @Console()
  @Render('console/space.njk')
  home(@Member() member: MemberContext) {
    return { pageTitle: 'Mon espace', member, roleLabel: MEMBERSHIP_ROLE_LABELS[member.role] };
  }
}
