import type { Classification } from '../classification.js';
import type { ErrorFacts } from '../error-facts.js';
import { awsSdkFamily } from './aws-sdk.js';
import type { ClientFamily } from './client-family.js';
import { grpcFamily } from './grpc.js';
import { ioredisFamily } from './ioredis.js';
import { mongodbFamily } from './mongodb.js';
import { mysqlFamily } from './mysql.js';
import { postgresFamily } from './postgres.js';
import { prismaFamily } from './prisma.js';

/**
 * The infrastructure clients' families: cloud SDKs, RPC and databases. Prisma comes before
 * PostgreSQL (a Prisma error may wrap a driver's); each family recognises only its own shape,
 * so the order matters only where shapes could overlap.
 */
export const INFRA_FAMILIES: readonly ClientFamily[] = [
  awsSdkFamily, grpcFamily, prismaFamily, postgresFamily, mysqlFamily, mongodbFamily, ioredisFamily,
];

/** The first infrastructure family's verdict, or `undefined`. */
export function classifyByInfraFamilies(error: unknown, facts: ErrorFacts): Classification | undefined {
  for (const family of INFRA_FAMILIES) {
    const classification = family.classify(error, facts);
    if (classification) return classification;
  }
  return undefined;
}
