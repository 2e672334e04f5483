/** Escapes LIKE's wildcards so that user input matches literally. */
export const escapeLike = (v: string): string => v.replace(/[\\%_]/g, (c) => `\\${c}`);
