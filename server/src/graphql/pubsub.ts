import { createPubSub } from '@graphql-yoga/subscription';

/** Named topics with typed payloads. */
export type Topics = Record<string, [unknown]>;

export const pubSub = createPubSub<Topics>();
