import { randomUUID } from 'node:crypto';
import { Entity, Index, ManyToOne, type Opt, PrimaryKey, Property, Unique } from '@mikro-orm/core';
import { Field, ID, ObjectType } from 'type-graphql';
import { DateTimeISOResolver } from '../../graphql/date-time.js';
import { Team, User } from '../team/team.entity.js';

export const USER_AGENT_MAX = 256;

@ObjectType({ description: "A signed-in browser of the user's: it ends at expiresAt, on sign-out, or when revoked" })
@Entity({ tableName: 'session' })
export class Session {
  @Field(() => ID, { description: 'UUID of the session (what revokeSession takes); not its cookie' })
  @PrimaryKey({ type: 'uuid' })
  id: string & Opt = randomUUID();

  // SHA-256 of the cookie value: a database leak gives no usable session.
  @Property({ type: 'string', length: 64 })
  @Unique()
  tokenHash: string;

  @ManyToOne(() => User, { deleteRule: 'cascade' })
  @Index({ name: 'session_user_id_index' })
  user: User;

  @ManyToOne(() => Team, { deleteRule: 'cascade' })
  team: Team;

  @Field(() => DateTimeISOResolver, { description: 'When it was signed in' })
  @Property({ type: 'datetime' })
  createdAt: Date & Opt = new Date();

  @Field(() => DateTimeISOResolver, { description: 'When it ends unless signed out before' })
  @Property({ type: 'datetime' })
  expiresAt: Date;

  /** The browser's User-Agent at sign-in, cut to USER_AGENT_MAX characters. */
  @Field(() => String, { nullable: true, description: "The browser's User-Agent when it signed in (at most 256 characters)" })
  @Property({ type: 'string', length: USER_AGENT_MAX, nullable: true })
  userAgent?: string;

  /** The address signed in from (the client's, also behind a proxy on loopback). */
  @Field(() => String, { nullable: true, description: 'The address it signed in from' })
  @Property({ type: 'string', length: 64, nullable: true })
  ip?: string;

  constructor(tokenHash: string, user: User, team: Team, expiresAt: Date, device?: { ip: string; userAgent?: string }) {
    this.tokenHash = tokenHash;
    this.user = user;
    this.team = team;
    this.expiresAt = expiresAt;
    this.ip = device?.ip.slice(0, 64) || undefined;
    this.userAgent = device?.userAgent ? [...device.userAgent].slice(0, USER_AGENT_MAX).join('') : undefined;
  }
}
