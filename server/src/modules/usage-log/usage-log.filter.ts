import { Field, ID, InputType, Int, registerEnumType } from 'type-graphql';
import { DateTimeISOResolver } from '../../graphql/date-time.js';

/** The HTTP methods a log can be filtered by. */
export enum HttpMethod {
  GET = 'GET',
  POST = 'POST',
  PATCH = 'PATCH',
  PUT = 'PUT',
  DELETE = 'DELETE',
  HEAD = 'HEAD',
  OPTIONS = 'OPTIONS',
}
export const LOG_METHODS = Object.values(HttpMethod);
registerEnumType(HttpMethod, {
  name: 'HttpMethod',
  description: 'An HTTP method a request log can be filtered by',
  valuesConfig: {
    GET: { description: 'Reads' },
    POST: { description: 'Creates and sends' },
    PATCH: { description: 'Partial updates' },
    PUT: { description: 'Replacements' },
    DELETE: { description: 'Deletions' },
    HEAD: { description: "A GET's headers without its body" },
    OPTIONS: { description: 'What a path allows (CORS preflights)' },
  },
});

/** A class of HTTP statuses, by its first digit. */
export enum StatusClass {
  INFORMATIONAL = 1,
  SUCCESS = 2,
  REDIRECTION = 3,
  CLIENT_ERROR = 4,
  SERVER_ERROR = 5,
}
registerEnumType(StatusClass, {
  name: 'StatusClass',
  description: 'A class of HTTP statuses, by its first digit',
  valuesConfig: {
    INFORMATIONAL: { description: '1xx' },
    SUCCESS: { description: '2xx' },
    REDIRECTION: { description: '3xx' },
    CLIENT_ERROR: { description: '4xx' },
    SERVER_ERROR: { description: '5xx' },
  },
});

/**
 * The Logs page's filter, once: the GraphQL input of usageLogs (and of a LOGS export), the type
 * logConditions takes — for the Logs page, GET /logs (usage-log.rest.ts builds one from its query
 * parameters) and the export — and what the deprecated `filters: JSON` of createExport is read through.
 */
@InputType({ description: 'Narrows the logs, as on the Logs page; the conditions given must all hold' })
export class UsageLogFilter {
  @Field(() => ID, { nullable: true, description: 'Only requests made with this key (deleted keys included)' }) apiKeyId?: string | null;
  @Field(() => Int, { nullable: true, description: 'Only answers with this HTTP status, e.g. 422' }) statusCode?: number | null;
  /** 2, 4 or 5: every 2xx, 4xx or 5xx status (responseClass, typed, when this is not given) */
  @Field(() => Int, { nullable: true, description: '2, 4 or 5 for every 2xx, 4xx or 5xx status', deprecationReason: 'Use responseClass, an enum' })
  statusClass?: number | null;
  @Field(() => StatusClass, { nullable: true, description: 'Only answers of this class (every 2xx, 4xx, 5xx…)' }) responseClass?: StatusClass | null;
  @Field(() => DateTimeISOResolver, { nullable: true, description: 'Made at or after this time' }) from?: Date | null;
  @Field(() => DateTimeISOResolver, { nullable: true, description: 'Made at or before this time' }) to?: Date | null;
  /** With a status code or class: both apply */
  @Field(() => Boolean, {
    nullable: true,
    description: 'Only answers with a status of 400 or more (4xx and 5xx); with statusCode or responseClass, both apply',
  })
  errorsOnly?: boolean | null;
  /** httpMethod, typed, when this is not given */
  @Field(() => String, {
    nullable: true,
    description: 'An HTTP method in capitals: GET, POST, PATCH, PUT, DELETE, HEAD, OPTIONS or any other a request was made with',
    deprecationReason: 'Use httpMethod, an enum',
  })
  method?: string | null;
  @Field(() => HttpMethod, { nullable: true, description: 'Only requests made with this method' }) httpMethod?: HttpMethod | null;
  @Field(() => String, {
    nullable: true,
    description: 'A path and everything under it: /emails is /emails, /emails/batch and /emails/:id; /graphql is every GraphQL operation',
  })
  endpoint?: string | null;
}
