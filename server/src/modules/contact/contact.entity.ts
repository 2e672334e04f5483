import { randomUUID } from 'node:crypto';
import { Entity, Index, ManyToOne, type Opt, PrimaryKey, Property, Unique } from '@mikro-orm/core';
import { DateTimeISOResolver } from 'graphql-scalars';
import { Field, ID, ObjectType } from 'type-graphql';
import { Team } from '../team/team.entity.js';

/** Someone a team may send broadcasts to; one per email address in a team. */
@ObjectType()
@Entity({ tableName: 'contact' })
@Unique({ properties: ['team', 'email'] })
@Index({ properties: ['team', 'createdAt', 'id'] })
export class Contact {
  @Field(() => ID)
  @PrimaryKey({ type: 'uuid' })
  id: string & Opt = randomUUID();

  @ManyToOne(() => Team, { deleteRule: 'cascade' })
  team: Team;

  @Field(() => String, { description: 'Lower-cased' })
  @Property({ type: 'string', length: 254 })
  email: string;

  @Field(() => String, { nullable: true })
  @Property({ type: 'string', length: 100, nullable: true })
  firstName?: string | null;

  @Field(() => String, { nullable: true })
  @Property({ type: 'string', length: 100, nullable: true })
  lastName?: string | null;

  @Field(() => Boolean)
  @Property({ type: 'boolean', default: false })
  unsubscribed: boolean & Opt = false;

  @Field(() => DateTimeISOResolver)
  @Property({ type: 'datetime' })
  createdAt: Date & Opt = new Date();

  @Field(() => DateTimeISOResolver)
  @Property({ type: 'datetime', onUpdate: () => new Date() })
  updatedAt: Date & Opt = new Date();

  constructor(init: Pick<Contact, 'team' | 'email'> & Partial<Contact>) {
    this.team = init.team;
    this.email = init.email;
    Object.assign(this, init);
  }
}
