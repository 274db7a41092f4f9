import { IsOptional, Matches } from 'class-validator';

/** `?after=<seq>`: the checkpoints after that seq (pages of 1,000, oldest first). */
export class CheckpointsQuery {
  @IsOptional()
  @Matches(/^(0|[1-9][0-9]{0,17})$/, { message: 'after doit être un numéro de séquence (entier positif).' })
  after?: string;
}
