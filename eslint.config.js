import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import globals from 'globals';

export default tseslint.config(
  { ignores: ['dist/', 'node_modules/', 'migrations/', 'coverage/', 'scratch/'] },
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
