import type { ClientFamily } from './client-family.js';
import { anthropicFamily } from './anthropic.js';
import { awsSdkFamily } from './aws-sdk.js';
import { axiosFamily } from './axios.js';
import { fetchFamily } from './fetch.js';
import { gotFamily } from './got.js';
import { grpcFamily } from './grpc.js';
import { ioredisFamily } from './ioredis.js';
import { kyFamily } from './ky.js';
import { mongodbFamily } from './mongodb.js';
import { mysqlFamily } from './mysql.js';
import { nodeHttpFamily } from './node-http.js';
import { openAiFamily } from './openai.js';
import { postgresFamily } from './postgres.js';
import { prismaFamily } from './prisma.js';
import { vercelAiFamily } from './vercel-ai.js';

/**
 * The client families, in the order the classifier asks them (the first verdict wins; a family
 * whose `claims` turns the error away is skipped). To add a client: write `families/<client>.ts`
 * exporting a {@link ClientFamily} with its discriminator (`claims`), and add it here. A
 * family that recognises its errors by a precise shape (a class name, a marker field) comes
 * before one that reads a code any client might carry (OpenAI's `code` / `type`).
 */
export const CLIENT_FAMILIES: readonly ClientFamily[] = [
  vercelAiFamily,
  anthropicFamily,
  fetchFamily,
  kyFamily,
  gotFamily,
  axiosFamily,
  nodeHttpFamily,
  // Infrastructure clients. Prisma before PostgreSQL: a Prisma error may wrap a driver's.
  awsSdkFamily,
  grpcFamily,
  prismaFamily,
  postgresFamily,
  mysqlFamily,
  mongodbFamily,
  ioredisFamily,
  // Last: it reads a `code` / `type` any client might carry.
  openAiFamily,
];
