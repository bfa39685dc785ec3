import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import globals from 'globals';

export default tseslint.config(
  { ignores: ['dist/', 'clients/typescript/dist/', 'node_modules/', 'migrations/', 'coverage/', 'scratch/'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    rules: {
      'no-console': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': 'error',
    },
  },
  {
    // Repositories run on SQLite and PostgreSQL: await a query builder instead of better-sqlite3's
    // synchronous .all()/.get()/.run(), which PostgreSQL does not have (src/platform/db.types.ts).
    // (test/ and bench/ also read SQLite files with better-sqlite3 itself, which is fine there.)
    files: ['src/**/*.ts'],
    ignores: ['**/*.sqlite.ts', 'src/platform/db-*.ts'],
    rules: {
      'no-restricted-syntax': [
        'error',
        {
          selector: "CallExpression[arguments.length=0][callee.type='MemberExpression'][callee.property.name=/^(all|get|run)$/]",
          message: 'Await the query builder (both stores); .all()/.get()/.run() exist only on SQLite.',
        },
      ],
    },
  },
  {
    files: ['**/*.test.ts', 'test/**'],
    rules: { '@typescript-eslint/no-explicit-any': 'off' },
  },
  {
    files: ['bench/**', 'src/cli.ts', 'src/**/*.cli.ts', 'bin/**'],
    rules: { 'no-console': 'off' },
  },
  {
    // The Slack sandbox reads and answers arbitrary Block Kit and Web API JSON, as Slack does.
    files: ['src/modules/sandbox/**'],
    rules: { '@typescript-eslint/no-explicit-any': 'off' },
  },
  {
    files: ['src/modules/sandbox/page/**/*.js'],
    languageOptions: { globals: globals.browser },
  },
);
