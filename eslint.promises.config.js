import tseslint from 'typescript-eslint';

// A type-aware pass for what the store's async repositories make easy to get wrong: a write
// whose promise nobody awaits runs outside its transaction, or after it. `npm run lint`
// runs it beside the main config.
export default tseslint.config(
  { ignores: ['dist/', 'clients/', 'node_modules/', 'migrations/', 'coverage/', 'scratch/', '**/*.js', '*.config.ts'] },
  {
    files: ['src/**/*.ts', 'test/**/*.ts', 'bench/**/*.ts', 'scripts/**/*.ts'],
    // The main config judges the disable comments; this pass looks at promises only.
    linterOptions: { reportUnusedDisableDirectives: 'off' },
    languageOptions: { parser: tseslint.parser, parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname } },
    plugins: { '@typescript-eslint': tseslint.plugin },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/await-thenable': 'error',
      '@typescript-eslint/no-misused-promises': ['error', { checksVoidReturn: false }],
    },
  },
);
