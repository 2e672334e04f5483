import 'reflect-metadata';
import fs from 'node:fs/promises';
import path from 'node:path';
import { lexicographicSortSchema, printSchema } from 'graphql';
import { repoRootDir } from '../src/config.js';
import { createSchema } from '../src/graphql/schema.js';

const file = path.join(repoRootDir, 'schema', 'schema.graphql');
const schema = await createSchema();
const sdl = `# Emitted by \`pnpm codegen\` from the server's resolvers. Do not edit by hand.\n\n${printSchema(lexicographicSortSchema(schema))}\n`;
await fs.writeFile(file, sdl);
console.log(`wrote ${path.relative(process.cwd(), file)}`);
