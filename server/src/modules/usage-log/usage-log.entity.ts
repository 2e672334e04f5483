import { randomUUID } from 'node:crypto';
import { Entity, Index, type Opt, PrimaryKey, Property } from '@mikro-orm/core';
import { JSONResolver } from 'graphql-scalars';
import { Field, ID, Int, ObjectType } from 'type-graphql';
import { DateTimeISOResolver } from '../../graphql/date-time.js';

/**
 * One row per request made with an API key, REST or GraphQL. Written in batches by UsageRecorder
 * into a table partitioned by day (see Migration20261203130000_usage_log_partitions, which holds
 * the indexes: the primary key there is (id, created_at)).
 */
@ObjectType({ description: 'One request made with an API key, REST or GraphQL, refused ones included; kept LOG_RETENTION_DAYS' })
@Entity({ tableName: 'usage_log' })
@Index({ properties: ['teamId', 'createdAt', 'id'] })
@Index({ properties: ['teamId', 'apiKeyId', 'createdAt', 'id'] })
@Index({ properties: ['teamId', 'statusCode', 'createdAt', 'id'] })
export class UsageLog {
  @Field(() => ID, { description: 'UUID of the log' })
  @PrimaryKey({ type: 'uuid' })
  id: string & Opt = randomUUID();

  @Property({ type: 'uuid' })
  teamId!: string;

  // Kept (as a plain id) after the key is deleted, so its history stays readable.
  @Property({ type: 'uuid', nullable: true })
  apiKeyId?: string | null;

  @Field(() => String, { nullable: true, description: 'The key name when the request was made' })
  @Property({ type: 'string', length: 50, nullable: true })
  apiKeyName?: string | null;

  @Field(() => String, {
    description: 'HTTP method, as the request was made: GET, POST, PATCH, PUT, DELETE, HEAD, OPTIONS…; `*` for a summary of rate-limited requests',
  })
  @Property({ type: 'string', length: 10 })
  method!: string;

  @Field(() => String, { description: 'The REST path without /api (/emails/…), or "/graphql" followed by the operation name' })
  @Property({ type: 'string', length: 300 })
  endpoint!: string;

  @Field(() => Int, { description: 'HTTP status of the answer' })
  @Property({ type: 'smallint' })
  statusCode!: number;

  @Field(() => String, { nullable: true, description: 'The User-Agent header (at most 300 characters); null when none was sent' })
  @Property({ type: 'string', length: 300, nullable: true })
  userAgent?: string | null;

  @Field(() => Int, {
    description:
      'How many requests this log stands for: 1, or for a summary of rate-limited requests (method "*", endpoint "(rate limited)") the refused requests it sums up. Request counts and the usage chart add this up',
  })
  @Property({ type: 'integer' })
  requests: number & Opt = 1;

  @Field(() => Int, { description: 'Milliseconds the server took to answer' })
  @Property({ type: 'integer' })
  durationMs!: number;

  @Field(() => JSONResolver, { nullable: true, description: 'Request body, secrets redacted' })
  @Property({ type: 'json', nullable: true, lazy: true })
  requestBody?: unknown;

  @Field(() => JSONResolver, { nullable: true, description: 'Response body, secrets redacted' })
  @Property({ type: 'json', nullable: true, lazy: true })
  responseBody?: unknown;

  /** A list's error name and message, read with the row (ERROR_NAME_SQL); not a column. */
  listedError?: { name: string | null; message: string | null };

  @Field(() => DateTimeISOResolver, { description: 'When the request was made' })
  @Property({ type: 'datetime' })
  createdAt: Date & Opt = new Date();
}
