import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AuditModule } from '@relais/audit';

import { Aide } from './entities/aide.entity.js';
import { Invitation } from './entities/invitation.entity.js';
import { Membership } from './entities/membership.entity.js';
import { Authenticator } from './services/authenticator.service.js';
import { InvitationsService } from './services/invitations.service.js';
import { PasswordPolicy } from './services/password-policy.service.js';
import { SecretBox } from './services/secret-box.service.js';
import { TotpService } from './services/totp.service.js';

@Module({
  imports: [TypeOrmModule.forFeature([Aide, Membership, Invitation]), AuditModule],
  providers: [InvitationsService, Authenticator, PasswordPolicy, TotpService, SecretBox],
  exports: [InvitationsService, Authenticator, PasswordPolicy, TotpService, SecretBox],
})
export class AidesModule {}
