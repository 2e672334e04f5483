import { randomUUID } from 'node:crypto';
import { Entity, Enum, ManyToOne, type Opt, PrimaryKey, Property, Unique } from '@mikro-orm/core';
import { Field, ID, ObjectType, registerEnumType } from 'type-graphql';
import { DateTimeISOResolver } from 'graphql-scalars';

export enum Role {
  ADMIN = 'ADMIN',
  MEMBER = 'MEMBER',
}
registerEnumType(Role, { name: 'Role', description: 'What a member may do in a team' });

@ObjectType()
@Entity({ tableName: 'team' })
export class Team {
  @Field(() => ID)
  @PrimaryKey({ type: 'uuid' })
  id: string & Opt = randomUUID();

  @Field(() => String)
  @Property({ type: 'string', length: 100 })
  name: string;

  @Field(() => DateTimeISOResolver)
  @Property({ type: 'datetime' })
  createdAt: Date & Opt = new Date();

  constructor(name: string) {
    this.name = name;
  }
}

@ObjectType()
@Entity({ tableName: 'app_user' })
export class User {
  @Field(() => ID)
  @PrimaryKey({ type: 'uuid' })
  id: string & Opt = randomUUID();

  @Field(() => String)
  @Property({ type: 'string', length: 254 })
  @Unique()
  email: string;

  @Property({ type: 'string', hidden: true, lazy: false })
  passwordHash: string;

  @Field(() => DateTimeISOResolver)
  @Property({ type: 'datetime' })
  createdAt: Date & Opt = new Date();

  constructor(email: string, passwordHash: string) {
    this.email = email;
    this.passwordHash = passwordHash;
  }
}

@ObjectType('Member')
@Entity({ tableName: 'membership' })
@Unique({ properties: ['team', 'user'] })
export class Membership {
  @Field(() => ID)
  @PrimaryKey({ type: 'uuid' })
  id: string & Opt = randomUUID();

  @ManyToOne(() => Team, { deleteRule: 'cascade' })
  team: Team;

  @Field(() => User)
  @ManyToOne(() => User, { deleteRule: 'cascade' })
  user: User;

  @Field(() => Role)
  @Enum({ items: () => Role, nativeEnumName: 'role' })
  role: Role;

  @Field(() => DateTimeISOResolver)
  @Property({ type: 'datetime' })
  createdAt: Date & Opt = new Date();

  constructor(team: Team, user: User, role: Role) {
    this.team = team;
    this.user = user;
    this.role = role;
  }
}

@ObjectType()
@Entity({ tableName: 'invitation' })
export class Invitation {
  @Field(() => ID)
  @PrimaryKey({ type: 'uuid' })
  id: string & Opt = randomUUID();

  @ManyToOne(() => Team, { deleteRule: 'cascade' })
  team: Team;

  @Field(() => String)
  @Property({ type: 'string', length: 254 })
  email: string;

  @Field(() => Role)
  @Enum({ items: () => Role, nativeEnumName: 'role' })
  role: Role;

  @Property({ type: 'string', length: 64, hidden: true })
  @Unique()
  tokenHash: string;

  @Field(() => User, { nullable: true })
  @ManyToOne(() => User, { nullable: true, deleteRule: 'set null' })
  invitedBy?: User;

  @Field(() => DateTimeISOResolver)
  @Property({ type: 'datetime' })
  createdAt: Date & Opt = new Date();

  @Field(() => DateTimeISOResolver)
  @Property({ type: 'datetime' })
  expiresAt: Date;

  @Field(() => DateTimeISOResolver, { nullable: true })
  @Property({ type: 'datetime', nullable: true })
  acceptedAt?: Date;

  constructor(team: Team, email: string, role: Role, tokenHash: string, expiresAt: Date, invitedBy?: User) {
    this.team = team;
    this.email = email;
    this.role = role;
    this.tokenHash = tokenHash;
    this.expiresAt = expiresAt;
    this.invitedBy = invitedBy;
  }
}
