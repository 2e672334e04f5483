import { randomUUID } from 'node:crypto';
import { Entity, Enum, ManyToOne, type Opt, PrimaryKey, Property, Unique } from '@mikro-orm/core';
import { Field, ID, ObjectType, registerEnumType } from 'type-graphql';
import { DateTimeISOResolver } from '../../graphql/date-time.js';

export enum Role {
  ADMIN = 'ADMIN',
  MEMBER = 'MEMBER',
}
registerEnumType(Role, {
  name: 'Role',
  description: 'What a member may do in a team',
  valuesConfig: {
    ADMIN: { description: 'Everything: keys, domains, exports, and the team itself (members, invitations, roles)' },
    MEMBER: { description: "Sees the team's keys, domains, logs, emails and exports; changes nothing and downloads no export" },
  },
});

@ObjectType({ description: 'A team: its members, API keys, domains and everything they send and export belong to it' })
@Entity({ tableName: 'team' })
export class Team {
  @Field(() => ID, { description: 'UUID of the team' })
  @PrimaryKey({ type: 'uuid' })
  id: string & Opt = randomUUID();

  @Field(() => String, { description: 'The team name given at sign-up' })
  @Property({ type: 'string', length: 100 })
  name: string;

  @Field(() => DateTimeISOResolver, { description: 'When the team was created' })
  @Property({ type: 'datetime' })
  createdAt: Date & Opt = new Date();

  constructor(name: string) {
    this.name = name;
  }
}

@ObjectType({ description: 'A person with an account. API keys are not users' })
@Entity({ tableName: 'app_user' })
export class User {
  @Field(() => ID, { description: 'UUID of the user' })
  @PrimaryKey({ type: 'uuid' })
  id: string & Opt = randomUUID();

  @Field(() => String, { description: 'The address the user signs in with, lower-cased' })
  @Property({ type: 'string', length: 254 })
  @Unique()
  email: string;

  @Property({ type: 'string', hidden: true, lazy: false })
  passwordHash: string;

  @Field(() => DateTimeISOResolver, { description: 'When the account was created' })
  @Property({ type: 'datetime' })
  createdAt: Date & Opt = new Date();

  constructor(email: string, passwordHash: string) {
    this.email = email;
    this.passwordHash = passwordHash;
  }
}

@ObjectType('Member', { description: "A user's place in a team, with their role" })
@Entity({ tableName: 'membership' })
@Unique({ properties: ['team', 'user'] })
export class Membership {
  @Field(() => ID, { description: 'UUID of the membership (what removeMember and updateMemberRole take)' })
  @PrimaryKey({ type: 'uuid' })
  id: string & Opt = randomUUID();

  @ManyToOne(() => Team, { deleteRule: 'cascade' })
  team: Team;

  @Field(() => User, { description: 'The member' })
  @ManyToOne(() => User, { deleteRule: 'cascade' })
  user: User;

  @Field(() => Role, { description: 'ADMIN or MEMBER in this team' })
  @Enum({ items: () => Role, nativeEnumName: 'role' })
  role: Role;

  @Field(() => DateTimeISOResolver, { description: 'When the user joined the team' })
  @Property({ type: 'datetime' })
  createdAt: Date & Opt = new Date();

  constructor(team: Team, user: User, role: Role) {
    this.team = team;
    this.user = user;
    this.role = role;
  }
}

@ObjectType({ description: 'An invitation to join the team, sent by email with a one-time link' })
@Entity({ tableName: 'invitation' })
export class Invitation {
  @Field(() => ID, { description: 'UUID of the invitation (what revokeInvitation takes)' })
  @PrimaryKey({ type: 'uuid' })
  id: string & Opt = randomUUID();

  @ManyToOne(() => Team, { deleteRule: 'cascade' })
  team: Team;

  @Field(() => String, { description: 'The address invited, lower-cased' })
  @Property({ type: 'string', length: 254 })
  email: string;

  @Field(() => Role, { description: 'The role the invitee gets on accepting' })
  @Enum({ items: () => Role, nativeEnumName: 'role' })
  role: Role;

  @Property({ type: 'string', length: 64, hidden: true })
  @Unique()
  tokenHash: string;

  @Field(() => User, { nullable: true, description: 'The admin who invited; null once that user is removed' })
  @ManyToOne(() => User, { nullable: true, deleteRule: 'set null' })
  invitedBy?: User;

  /** Who was shown the current link (sent it, or renewed it): removed or made a member, the link goes. */
  @ManyToOne(() => User, { nullable: true, deleteRule: 'set null', hidden: true })
  linkIssuedBy?: User;

  @Field(() => DateTimeISOResolver, { description: 'When the invitation was sent' })
  @Property({ type: 'datetime' })
  createdAt: Date & Opt = new Date();

  @Field(() => DateTimeISOResolver, { description: 'After this (7 days after sending) the invitation cannot be accepted' })
  @Property({ type: 'datetime' })
  expiresAt: Date;

  @Field(() => DateTimeISOResolver, { nullable: true, description: 'When it was accepted; null while pending' })
  @Property({ type: 'datetime', nullable: true })
  acceptedAt?: Date;

  constructor(team: Team, email: string, role: Role, tokenHash: string, expiresAt: Date, invitedBy?: User) {
    this.team = team;
    this.email = email;
    this.role = role;
    this.tokenHash = tokenHash;
    this.expiresAt = expiresAt;
    this.invitedBy = invitedBy;
    this.linkIssuedBy = invitedBy;
  }
}
