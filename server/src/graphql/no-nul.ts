import { GraphQLError, type ValidationRule } from 'graphql';
import { NUL_MESSAGE } from '../lib/nul.js';

/**
 * A string literal in the query text holding a NUL (written "\u0000") is refused before it runs:
 * PostgreSQL cannot store one. Variables are checked as the request body is read (app.ts).
 */
export const noNulStrings: ValidationRule = (context) => ({
  StringValue(node) {
    if (node.value.includes('\0')) context.reportError(new GraphQLError(NUL_MESSAGE, { nodes: [node] }));
  },
});
