#!/usr/bin/env node
// Runs the TypeScript CLI directly (tsx), so `npm install` is all a fresh clone needs.
import { register } from 'tsx/esm/api';

register();
await import('../src/cli.ts');
