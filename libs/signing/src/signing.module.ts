import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AuditModule } from '@relais/audit';

import { SigningKey } from './entities/signing-key.entity.js';
import { KeyEncryption } from './services/key-encryption.service.js';
import { KeyStore } from './services/key-store.service.js';
import { Signer } from './services/signer.service.js';

/** Platform signing keys, JWS seals and the JWKS; the app also imports RelaisConfigModule and DatabaseModule. */
@Module({
  imports: [TypeOrmModule.forFeature([SigningKey]), AuditModule],
  providers: [KeyEncryption, KeyStore, Signer],
  exports: [KeyStore, Signer, KeyEncryption],
})
export class SigningModule {}
