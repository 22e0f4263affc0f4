/**
 * Rollback and compensation (offline, in memory).
 *
 * 1. A transfer that debits an account, then fails: `rollback` snapshots the account before the
 *    first attempt and restores it, once, when the call cannot succeed; `betweenAttempts`
 *    restores it before every retry too, so a retry never debits twice.
 * 2. A trip booking as a transaction: flight, hotel, car. The car rental is down for good, so
 *    the hotel and the flight are compensated, in reverse order.
 *
 * Run it: `npx tsx examples/recovery/rollback-and-transaction.ts`
 */
import { HealingPipeline } from '../../src/index.js';
import { formatResult } from '../print-result.js';
import { Expectations, noLog, type ScenarioOptions, type ScenarioReport } from '../scenario.js';
import { runStandalone } from './run-standalone.js';

export async function rollbackAndTransaction(options: ScenarioOptions = {}): Promise<ScenarioReport> {
  const log = options.log ?? noLog;
  const expect = new Expectations();

  // 1. Rollback between attempts and after the terminal failure.
  const account = { balance: 100 };
  let debits = 0;
  const transfer = async ({ amount }: { amount: number }) => {
    account.balance -= amount; // the debit happens...
    debits++;
    throw Object.assign(new Error('ledger unavailable'), { status: 503 }); // ...then the write to the ledger fails
  };
  const payments = new HealingPipeline({
    retry: { maxAttempts: 3, minDelayMs: 5, jitter: 'none' },
    rollback: {
      snapshot: () => ({ ...account }),
      restore: (saved: { balance: number }) => { account.balance = saved.balance; },
      betweenAttempts: true,
    },
  });
  const transferResult = await payments.execute(transfer, { amount: 30 });
  log('  transfer of 30 with a failing ledger:');
  log(formatResult(transferResult));
  expect.equal('transfer status', transferResult.status, 'error');
  expect.equal('debits attempted', debits, 3);
  expect.equal('balance after the failed transfer', account.balance, 100);
  expect.equal('rollback actions', transferResult.healingActions.filter((a) => a.kind === 'rollback').length, 3);

  // 2. A transaction with compensation in reverse order.
  const booked = new Set<string>();
  const undone: string[] = [];
  const travel = new HealingPipeline({ retry: { maxAttempts: 2, minDelayMs: 5 } });
  const trip = await travel.transaction([
    { name: 'flight', run: () => { booked.add('LH-123'); return 'LH-123'; }, compensate: (id: string) => { booked.delete(id); undone.push('flight'); } },
    { name: 'hotel', run: () => { booked.add('HOTEL-9'); return 'HOTEL-9'; }, compensate: (id: string) => { booked.delete(id); undone.push('hotel'); } },
    { name: 'car', run: () => { throw Object.assign(new Error('no cars left'), { status: 409 }); } },
  ]);
  log(`  trip: ${trip.status}; committed ${JSON.stringify(trip.committed)}, failed ${trip.failed}, compensated ${JSON.stringify(trip.compensated)}`);
  expect.equal('trip status', trip.status, 'error');
  expect.equal('committed', trip.committed, ['flight', 'hotel']);
  expect.equal('failed step', trip.failed, 'car');
  expect.equal('compensated (reverse order)', trip.compensated, ['hotel', 'flight']);
  expect.equal('bookings left', [...booked], []);
  return expect.report('rollback restores state once; a transaction compensates in reverse order');
}

runStandalone(import.meta.url, rollbackAndTransaction);
