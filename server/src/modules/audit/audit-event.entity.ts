import { randomUUID } from 'node:crypto';
import { Entity, Index, ManyToOne, type Opt, PrimaryKey, Property } from '@mikro-orm/core';
import { Field, ID, ObjectType } from 'type-graphql';
import { DateTimeISOResolver } from '../../graphql/date-time.js';
import { Team, User } from '../team/team.entity.js';

@ObjectType({ description: 'Something a member or a key did to keys, domains, members or exports: who, what and when; never a secret' })
@Entity({ tableName: 'audit_event' })
@Index({ properties: ['team', 'createdAt'] })
export class AuditEvent {
  @Field(() => ID, { description: 'UUID of the event' })
  @PrimaryKey({ type: 'uuid' })
  id: string & Opt = randomUUID();

  @ManyToOne(() => Team, { deleteRule: 'cascade' })
  team: Team;

  @Field(() => String, { description: 'Like api_key.created' })
  @Property({ type: 'string', length: 64 })
  action: string;

  @Field(() => User, {
    nullable: true,
    description: 'The member who acted; null when an API key did. A member since removed from the team still shows: the trail keeps who did what',
  })
  @ManyToOne(() => User, { nullable: true, deleteRule: 'set null' })
  actor?: User;

  @Field(() => ID, { nullable: true, description: 'The API key that acted, when no user did' })
  @Property({ type: 'uuid', nullable: true })
  actorApiKeyId?: string;

  @Field(() => ID, { nullable: true, description: 'The id of what was acted on (a key, domain, member, invitation or export); null when nothing was' })
  @Property({ type: 'uuid', nullable: true })
  targetId?: string;

  @Property({ type: 'json', nullable: true })
  metadata?: Record<string, unknown>;

  @Field(() => DateTimeISOResolver, { description: 'When it happened' })
  @Property({ type: 'datetime' })
  createdAt: Date & Opt = new Date();

  constructor(team: Team, action: string, init: Partial<Pick<AuditEvent, 'actor' | 'actorApiKeyId' | 'targetId' | 'metadata'>>) {
    this.team = team;
    this.action = action;
    Object.assign(this, init);
  }
}
