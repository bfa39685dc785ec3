import { AsyncLocalStorage } from 'node:async_hooks';

// Inside `db.transaction(work)`, every query made in the same async context belongs to the
// transaction, whether it goes through the `tx` handed to `work` or through the `db` a
// repository was built with. Repositories then join their caller's transaction without being
// told, on both stores, and a nested `transaction` becomes a savepoint instead of a deadlock.

export interface TransactionScope<Handle> {
  /** The store's handle for this transaction (a pg client's drizzle, or SQLite's one connection). */
  handle: Handle;
  depth: number;
}

export function createTransactionContext<Handle>() {
  const storage = new AsyncLocalStorage<TransactionScope<Handle>>();
  return {
    current: (): TransactionScope<Handle> | undefined => storage.getStore(),
    run: <T>(scope: TransactionScope<Handle>, work: () => Promise<T>): Promise<T> => storage.run(scope, work),
  };
}

export type TransactionContext<Handle> = ReturnType<typeof createTransactionContext<Handle>>;
