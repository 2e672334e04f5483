import { GraphQLError, type ValidationRule } from 'graphql';
import { textProblem } from '../lib/nul.js';

/**
 * A string literal in the query text that PostgreSQL cannot store (a NUL written "\u0000"; see
 * lib/nul.ts) is refused before it runs. Variables are checked as the request body is read (app.ts).
 */
export const noNulStrings: ValidationRule = (context) => ({
  StringValue(node) {
    const problem = textProblem(node.value);
    if (problem) context.reportError(new GraphQLError(problem, { nodes: [node] }));
  },
});
