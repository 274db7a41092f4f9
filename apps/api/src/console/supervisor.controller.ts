import { Body, Controller, Get, Param, ParseUUIDPipe, Post, Render, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import {
  InvitationsService,
  MEMBERSHIP_ROLE_LABELS,
  MembershipRole,
  MembershipsService,
  normalizeEmail,
} from '@relais/aides';
import { AuditActorType } from '@relais/audit';
import { Console, Member, type MemberContext } from '@relais/auth';
import { frenchDateTime } from '@relais/dates';
import { DomainException, ErrorCode } from '@relais/exceptions';
import { FormPage } from '@relais/web';
import type { Request, Response } from 'express';

import { FormDto, InviteAideForm } from './dto/forms.dto.js';

const TEAM_PATH = '/responsable/aidants';

/** Actions a supervisor may take on one aide of the structure, by URL segment. */
const ACTIONS = {
  desactivation: 'deactivate',
  reactivation: 'reactivate',
  formation: 'validateTraining',
  'second-facteur': 'resetSecondFactor',
} as const satisfies Record<string, keyof MembershipsService>;

/** The supervisor's team page: the structure's aides, invitations and account actions. */
@ApiExcludeController()
@Controller('responsable/aidants')
export class SupervisorController {
  constructor(
    private readonly memberships: MembershipsService,
    private readonly invitations: InvitationsService,
  ) {}

  @Get()
  @Console({ roles: [MembershipRole.Supervisor] })
  @Render('console/team.njk')
  async team(@Member() member: MemberContext) {
    return {
      pageTitle: 'Les aidants de la structure',
      member,
      roles: MEMBERSHIP_ROLE_LABELS,
      members: await this.memberships.listForStructure(member.structureId, { aideId: member.aideId }),
    };
  }

  /** The team page again, for a form sent with a mistake (FormPage). */
  teamPage(req: Request & { member: MemberContext }) {
    return this.team(req.member);
  }

  @Post('invitation')
  @Console({ roles: [MembershipRole.Supervisor], stepUp: true })
  @FormPage('console/team.njk', 'teamPage')
  async invite(@Member() member: MemberContext, @Body() form: InviteAideForm, @Res() res: Response) {
    const invited = await this.invitations.invite(
      { structureId: member.structureId, email: form.email, role: form.role },
      { type: AuditActorType.Aide, id: member.aideId },
    );
    const expiresAt = invited.expiresAt && frenchDateTime(invited.expiresAt);
    const pageTitle = invited.link ? 'Invitation créée' : 'Personne ajoutée';
    res.render('console/invitation-sent.njk', {
      pageTitle,
      email: normalizeEmail(form.email),
      link: invited.link,
      expiresAt,
    });
  }

  @Post(':aideId/:action')
  @Console({ roles: [MembershipRole.Supervisor], stepUp: true })
  @FormPage('console/team.njk', 'teamPage')
  async act(
    @Member() member: MemberContext,
    @Param('aideId', ParseUUIDPipe) aideId: string,
    @Param('action') action: string,
    @Body() _form: FormDto,
    @Res() res: Response,
  ) {
    if (!Object.hasOwn(ACTIONS, action)) throw new DomainException(ErrorCode.NotFound);
    await this.memberships[ACTIONS[action as keyof typeof ACTIONS]](member.structureId, aideId, {
      aideId: member.aideId,
    });
    res.redirect(303, TEAM_PATH);
  }
}
