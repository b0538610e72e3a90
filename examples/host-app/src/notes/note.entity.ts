import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';

/** The host's own table, in the same database and migration history as the registry's. */
@Entity('host_notes')
export class Note {
  @PrimaryGeneratedColumn('identity', { type: 'bigint', generatedIdentity: 'BY DEFAULT' })
  id: string;

  @Column({ type: 'text' })
  text: string;
}
