import { createPubSub } from '@graphql-yoga/subscription';

/** Named topics with typed payloads. */
export type Topics = {
  /** An export changed (progress, READY, FAILED); fed by PostgreSQL NOTIFY from any instance. */
  EXPORT_PROGRESS: [exportId: string, payload: { id: string }];
};

export const pubSub = createPubSub<Topics>();
