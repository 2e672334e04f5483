import { randomUUID } from 'node:crypto';
import { Entity, ManyToOne, type Opt, PrimaryKey, Property, Unique } from '@mikro-orm/core';
import { Team, User } from '../team/team.entity.js';

@Entity({ tableName: 'session' })
export class Session {
  @PrimaryKey({ type: 'uuid' })
  id: string & Opt = randomUUID();

  // SHA-256 of the cookie value: a database leak gives no usable session.
  @Property({ type: 'string', length: 64 })
  @Unique()
  tokenHash: string;

  @ManyToOne(() => User, { deleteRule: 'cascade' })
  user: User;

  @ManyToOne(() => Team, { deleteRule: 'cascade' })
  team: Team;

  @Property({ type: 'datetime' })
  createdAt: Date & Opt = new Date();

  @Property({ type: 'datetime' })
  expiresAt: Date;

  constructor(tokenHash: string, user: User, team: Team, expiresAt: Date) {
    this.tokenHash = tokenHash;
    this.user = user;
    this.team = team;
    this.expiresAt = expiresAt;
  }
}
