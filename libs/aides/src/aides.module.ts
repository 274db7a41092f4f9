import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AuditModule } from '@relais/audit';

import { Aide } from './entities/aide.entity.js';
import { Invitation } from './entities/invitation.entity.js';
import { Membership } from './entities/membership.entity.js';
import { Notification } from './entities/notification.entity.js';
import { Authenticator } from './services/authenticator.service.js';
import { DormancyService } from './services/dormancy.service.js';
import { InvitationsService } from './services/invitations.service.js';
import { MembershipsService } from './services/memberships.service.js';
import { NotificationSender } from './services/notification-sender.service.js';
import { PasswordPolicy } from './services/password-policy.service.js';
import { SecretBox } from './services/secret-box.service.js';
import { TotpEnrolment } from './services/totp-enrolment.service.js';
import { TotpService } from './services/totp.service.js';

const services = [
  InvitationsService,
  Authenticator,
  MembershipsService,
  DormancyService,
  NotificationSender,
  PasswordPolicy,
  TotpService,
  TotpEnrolment,
  SecretBox,
];

@Module({
  imports: [TypeOrmModule.forFeature([Aide, Membership, Invitation, Notification]), AuditModule],
  providers: services,
  exports: services,
})
export class AidesModule {}
