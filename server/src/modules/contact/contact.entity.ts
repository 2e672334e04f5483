import { randomUUID } from 'node:crypto';
import { Entity, Index, ManyToOne, type Opt, PrimaryKey, Property, Unique } from '@mikro-orm/core';
import { Field, ID, ObjectType } from 'type-graphql';
import { DateTimeISOResolver } from '../../graphql/date-time.js';
import { Team } from '../team/team.entity.js';

/** Someone a team may send broadcasts to; one per email address in a team. */
@ObjectType({ description: 'Someone the team may send broadcasts to; the email address is unique within the team' })
@Entity({ tableName: 'contact' })
@Unique({ properties: ['team', 'email'] })
@Index({ properties: ['team', 'createdAt', 'id'] })
export class Contact {
  @Field(() => ID, { description: 'UUID of the contact' })
  @PrimaryKey({ type: 'uuid' })
  id: string & Opt = randomUUID();

  @ManyToOne(() => Team, { deleteRule: 'cascade' })
  team: Team;

  @Field(() => String, { description: 'Lower-cased' })
  @Property({ type: 'string', length: 254 })
  email: string;

  @Field(() => String, { nullable: true, description: 'First name; null when not given' })
  @Property({ type: 'string', length: 100, nullable: true })
  firstName?: string | null;

  @Field(() => String, { nullable: true, description: 'Last name; null when not given' })
  @Property({ type: 'string', length: 100, nullable: true })
  lastName?: string | null;

  @Field(() => Boolean, { description: 'True once the contact has unsubscribed from broadcasts' })
  @Property({ type: 'boolean', default: false })
  unsubscribed: boolean & Opt = false;

  @Field(() => DateTimeISOResolver, { description: 'When the contact was added' })
  @Property({ type: 'datetime' })
  createdAt: Date & Opt = new Date();

  @Field(() => DateTimeISOResolver, { description: 'When the contact last changed' })
  @Property({ type: 'datetime', onUpdate: () => new Date() })
  updatedAt: Date & Opt = new Date();

  constructor(init: Pick<Contact, 'team' | 'email'> & Partial<Contact>) {
    this.team = init.team;
    this.email = init.email;
    Object.assign(this, init);
  }
}
